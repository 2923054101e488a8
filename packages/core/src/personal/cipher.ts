import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MasterKeyError, PersonalDataTamperedError } from '../errors/index.js';

/** The one algorithm of data keys and encrypted values: AES-256-GCM. */
export const ALGORITHM = 'A256GCM';
export type Algorithm = typeof ALGORITHM;

/** The key that marks an encrypted value in stored data; its JSON text is what reads look for first. */
export const ENVELOPE_MARK = '$es:encrypted';

/** A personal field's value as stored: the ciphertext, and the key and algorithm that open it. */
export interface Envelope {
  readonly [ENVELOPE_MARK]: 1;
  readonly alg: Algorithm;
  /** The data key's id. */
  readonly kid: string;
  /** base64url of 12 random bytes. */
  readonly iv: string;
  /** base64url of the ciphertext and its 16-byte tag. */
  readonly ct: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function isEnvelope(value: unknown): value is Envelope {
  if (value === null || typeof value !== 'object') return false;
  const envelope = value as Record<string, unknown>;
  return (
    envelope[ENVELOPE_MARK] === 1 &&
    typeof envelope.kid === 'string' &&
    typeof envelope.iv === 'string' &&
    typeof envelope.ct === 'string'
  );
}

/** Binds a value to its tenant, key and field: moved anywhere else, it fails authentication. */
const valueAad = (tenant: string, keyId: string, field: string) => Buffer.from(`${tenant}\0${keyId}\0${field}`);

/** Encrypts `plaintext` (a value's serialized text) with a fresh IV. */
export function seal(key: Uint8Array, keyId: string, tenant: string, field: string, plaintext: string): Envelope {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(valueAad(tenant, keyId, field));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { [ENVELOPE_MARK]: 1, alg: ALGORITHM, kid: keyId, iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

/** The plaintext of an envelope; a `PersonalDataTamperedError` when it fails authentication. */
export function open(key: Uint8Array, tenant: string, field: string, envelope: Envelope): string {
  try {
    if (envelope.alg !== ALGORITHM) throw new Error(`unknown algorithm ${String(envelope.alg)}`);
    const sealed = Buffer.from(envelope.ct, 'base64url');
    const iv = Buffer.from(envelope.iv, 'base64url');
    if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new Error('malformed envelope');
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(valueAad(tenant, envelope.kid, field));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch (error) {
    throw new PersonalDataTamperedError(field, envelope.kid, { cause: error });
  }
}

/** A master key: wraps the data keys stored in the keys table. */
export interface MasterKey {
  /** Stored beside every data key it wraps (at most 100 characters). */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/** Binds a wrapped key to its tenant, subject and id. */
const wrapAad = (tenant: string, subject: string, keyId: string) => Buffer.from(`${tenant}\0${subject}\0${keyId}`);

/** base64url(iv, ciphertext, tag) of a data key under a master key. */
export function wrapKey(master: MasterKey, tenant: string, subject: string, keyId: string, key: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master.key, iv);
  cipher.setAAD(wrapAad(tenant, subject, keyId));
  return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]).toString('base64url');
}

/** The data key `wrapKey` wrapped; a `MasterKeyError` when this master key did not wrap it. */
export function unwrapKey(
  master: MasterKey,
  tenant: string,
  subject: string,
  keyId: string,
  wrapped: string,
): Uint8Array {
  try {
    const bytes = Buffer.from(wrapped, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', master.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(wrapAad(tenant, subject, keyId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const key = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    if (key.length !== KEY_BYTES) throw new Error(`the unwrapped key has ${key.length} bytes`);
    return new Uint8Array(key);
  } catch (error) {
    throw new MasterKeyError(master.id, 'it is not the master key that wrapped this data key', { cause: error });
  }
}

export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}
