/** A data subject's id (the value of the field an event's personal fields name) is at most this long. */
export const SUBJECT_MAX_LENGTH = 200;

/** A master key's id, stored beside every data key it wraps, is at most this long. */
export const MASTER_KEY_ID_MAX_LENGTH = 100;

/** An algorithm's name (`A256GCM`), stored with each data key and each encrypted value. */
export const KEY_ALGORITHM_MAX_LENGTH = 32;
