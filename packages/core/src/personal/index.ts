export { ALGORITHM, type Algorithm, ENVELOPE_MARK, type Envelope, type MasterKey } from './cipher.js';
export { createTableKeyStore, type DataKey, type KeyScope, type KeyStore } from './keyStore.js';
export { KEY_ALGORITHM_MAX_LENGTH, MASTER_KEY_ID_MAX_LENGTH, SUBJECT_MAX_LENGTH } from './limits.js';
export { type PersonalField, personal } from './personal.js';
export type { PersonalDataOptions } from './personalData.js';
