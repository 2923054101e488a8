import type { BackendSession, StoredEvent } from '../backend/index.js';
import {
  EventValidationError,
  InvalidArgumentError,
  InvalidSubjectError,
  PersonalDataTamperedError,
} from '../errors/index.js';
import { isUuid } from '../ids/uuid.js';
import { deserialize, serialize } from '../serialization/index.js';
import { isPlainObject } from '../store/input.js';
import { isWellFormed } from '../util/unicode.js';
import { KeyCache } from './cache.js';
import { ALGORITHM, ENVELOPE_MARK, type Envelope, isEnvelope, type MasterKey, open, seal } from './cipher.js';
import { createTableKeyStore, type DataKey, type KeyStore } from './keyStore.js';
import { SUBJECT_MAX_LENGTH } from './limits.js';
import type { PersonalField } from './personal.js';

/** The store's `personalData` option: master keys for the table-backed key store, or a key store of your own. */
export type PersonalDataOptions = (
  | {
      /** The first wraps new data keys; every one unwraps the keys that name its id (rotate by putting a new one first). */
      readonly masterKeys: readonly MasterKey[];
      readonly keyStore?: never;
    }
  | { readonly keyStore: KeyStore; readonly masterKeys?: never }
) & {
  /** How long this process keeps an unwrapped key (default 60,000 ms; 0: no cache). A subject forgotten
   * by another process stays readable here, and new writes may still use its key, until then. */
  readonly cacheTtlMs?: number;
};

/** A stored event whose personal fields were opened: its data, and the fields whose keys were gone. */
export interface OpenedEvent extends StoredEvent {
  readonly opened?: { readonly data: unknown; readonly erased: readonly string[] };
}

/** A value's data to seal: its plain form (for the caller's copy) and its personal values. */
export interface SealPlan {
  readonly data: Readonly<Record<string, unknown>>;
  readonly fields: readonly { readonly name: string; readonly subject: string; readonly plaintext: string }[];
  /** The data as stored, with envelopes of the right size in place of the values: its size is checked before writing. */
  readonly sized: string;
}

/** Subjects' current keys read or made in one transaction: cached for writes only once it commits. */
export type PendingKeys = Map<string, DataKey>;

/** The text every stored value holding an envelope contains (PostgreSQL's jsonb adds a space after the colon). */
const MARK_TEXT = `"${ENVELOPE_MARK}"`;

/** Whether stored JSON text may hold an encrypted value: reads of other data skip everything else. */
export const mayHoldEnvelopes = (json: string): boolean => json.includes(MARK_TEXT);

/** Whether stored JSON text holds encrypted values (top-level envelopes). */
export const holdsEnvelopes = (json: string): boolean => mayHoldEnvelopes(json) && sealedFields(json) !== undefined;

export function checkSubject(subject: unknown): string {
  if (
    typeof subject !== 'string' ||
    subject.length === 0 ||
    subject.length > SUBJECT_MAX_LENGTH ||
    !isWellFormed(subject)
  ) {
    throw new InvalidSubjectError(subject);
  }
  return subject;
}

const UUID_LENGTH = 36;
const IV_TEXT_LENGTH = 16;
const base64urlLength = (bytes: number) => Math.ceil((bytes * 4) / 3);
const TAG_BYTES = 16;

/** An envelope as long as the real one will be, for checking sizes before any key is fetched. */
function sizedEnvelope(plaintext: string): Envelope {
  return {
    [ENVELOPE_MARK]: 1,
    alg: ALGORITHM,
    kid: 'x'.repeat(UUID_LENGTH),
    iv: 'x'.repeat(IV_TEXT_LENGTH),
    ct: 'x'.repeat(base64urlLength(Buffer.byteLength(plaintext, 'utf8') + TAG_BYTES)),
  };
}

/**
 * A store's personal data: seals declared fields on the way in, opens envelopes on the way out
 * (masking those whose key is gone), through the key store and this process's key cache.
 */
export class PersonalData {
  private readonly keyStore: KeyStore;
  private readonly cache: KeyCache;

  constructor(options: PersonalDataOptions, clock?: () => Date) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError('personalData is { masterKeys } or { keyStore }');
    }
    if (options.keyStore !== undefined && options.masterKeys !== undefined) {
      throw new InvalidArgumentError('personalData takes masterKeys or a keyStore, not both');
    }
    const ttl = options.cacheTtlMs ?? 60_000;
    if (!Number.isSafeInteger(ttl) || ttl < 0)
      throw new InvalidArgumentError('personalData.cacheTtlMs must be an integer >= 0');
    this.keyStore =
      options.keyStore ??
      createTableKeyStore({ masterKeys: options.masterKeys as readonly MasterKey[], ...(clock && { clock }) });
    this.cache = new KeyCache(ttl);
  }

  /**
   * What to seal of an event's (validated) data, or undefined when no personal value is set;
   * an `EventValidationError` when a subject field holds no valid subject.
   */
  planEvent(type: string, personal: Readonly<Record<string, PersonalField>>, data: unknown): SealPlan | undefined {
    if (!isPlainObject(data)) return undefined;
    const fields: { name: string; subject: string; plaintext: string }[] = [];
    for (const [name, field] of Object.entries(personal)) {
      const value = data[name];
      if (value === undefined || value === null) continue;
      let subject: string;
      try {
        subject = checkSubject(data[field.subject]);
      } catch (error) {
        throw new EventValidationError(type, [
          { path: [field.subject], message: (error as Error).message, code: 'invalid_subject' },
        ]);
      }
      fields.push({ name, subject, plaintext: serialize(value, `personal field '${name}' of '${type}'`) });
    }
    return fields.length === 0 ? undefined : planOf(data, fields);
  }

  /**
   * Refuses data whose top-level field (not sealed here) holds an object shaped like an envelope:
   * readers would take it for one.
   */
  refuseLookalikes(type: string, json: string, plan: SealPlan | undefined): void {
    if (!mayHoldEnvelopes(json)) return;
    const sealed = sealedFields(json, false);
    const lookalike = sealed?.envelopes.find(([name]) => !plan?.fields.some((field) => field.name === name));
    if (lookalike) {
      throw new EventValidationError(type, [
        { path: [lookalike[0]], message: `an object with a "${ENVELOPE_MARK}" key is reserved for encrypted values` },
      ]);
    }
  }

  /** What to seal of a snapshot's state (`fields` of a top-level object, for the subject `subjectOf` names). */
  planState(state: unknown, fields: readonly string[], subjectOf: (state: unknown) => string): SealPlan | undefined {
    if (!isPlainObject(state)) {
      throw new InvalidArgumentError('a snapshot with personal fields needs a plain object as its state');
    }
    const present = fields.filter((name) => state[name] !== undefined && state[name] !== null);
    if (present.length === 0) return undefined;
    const subject = checkSubject(subjectOf(state));
    return planOf(
      state,
      present.map((name) => ({ name, subject, plaintext: serialize(state[name], `snapshot field '${name}'`) })),
    );
  }

  /** The stored JSON of a plan: each personal value sealed with its subject's current key in this tenant. */
  async seal(plan: SealPlan, tenant: string, session: BackendSession<unknown>, pending: PendingKeys): Promise<string> {
    const sealed: Record<string, unknown> = { ...plan.data };
    for (const field of plan.fields) {
      const key = await this.currentKey(tenant, field.subject, session, pending);
      sealed[field.name] = seal(key.key, key.id, tenant, field.name, field.plaintext);
    }
    return serialize(sealed);
  }

  /** The transaction that read or made these current keys has committed: writes may reuse them. */
  committed(tenant: string, pending: PendingKeys): void {
    for (const key of pending.values()) this.cache.committed(tenant, key);
  }

  /**
   * Events with their envelopes opened: one key lookup per distinct key of the page, in the
   * read's session; a field whose key is gone gets `erasedOf(type, field)`. Events without
   * envelopes are returned as they are.
   */
  async openEvents<T extends StoredEvent>(
    events: readonly T[],
    session: BackendSession<unknown>,
    erasedOf: (type: string, field: string) => unknown,
  ): Promise<(T & OpenedEvent)[]> {
    if (!events.some((event) => mayHoldEnvelopes(event.data))) return events as (T & OpenedEvent)[];
    const parsed = events.map((event) => (mayHoldEnvelopes(event.data) ? sealedFields(event.data) : undefined));
    const keys = await this.findKeys(
      parsed.flatMap((sealed, index) =>
        sealed
          ? sealed.envelopes.map(([, envelope]) => [(events[index] as T).stream.tenant, envelope.kid] as const)
          : [],
      ),
      session,
    );
    return events.map((event, index) => {
      const sealed = parsed[index];
      if (!sealed) return event;
      const { tenant } = event.stream;
      return { ...event, opened: openFields(sealed, tenant, keys, (field) => erasedOf(event.type, field)) };
    });
  }

  /** A snapshot's state with its envelopes opened, or undefined when it holds none. */
  async openState(
    json: string,
    tenant: string,
    session: BackendSession<unknown>,
    erased: Readonly<Record<string, unknown>>,
  ): Promise<{ readonly data: unknown; readonly erased: readonly string[] } | undefined> {
    if (!mayHoldEnvelopes(json)) return undefined;
    const sealed = sealedFields(json);
    if (!sealed) return undefined;
    const keys = await this.findKeys(
      sealed.envelopes.map(([, envelope]) => [tenant, envelope.kid] as const),
      session,
    );
    return openFields(sealed, tenant, keys, (field) => (Object.hasOwn(erased, field) ? erased[field] : null));
  }

  /** Adds a new version of the subject's key. */
  async rotateKey(tenant: string, subject: string, session: BackendSession<unknown>) {
    const key = await this.keyStore.rotateKey({ tenant, session }, subject);
    this.cache.drop(tenant, subject);
    return key;
  }

  /** Deletes the subject's keys, and drops this process's copies of them at once. */
  async forget(tenant: string, subject: string, session: BackendSession<unknown>): Promise<number> {
    this.cache.drop(tenant, subject);
    return this.keyStore.forget({ tenant, session }, subject);
  }

  /** Drops this process's copies of a subject's keys (again, once its forget has committed). */
  dropCached(tenant: string, subject: string): void {
    this.cache.drop(tenant, subject);
  }

  private async currentKey(
    tenant: string,
    subject: string,
    session: BackendSession<unknown>,
    pending: PendingKeys,
  ): Promise<DataKey> {
    const known = pending.get(subject) ?? this.cache.currentKey(tenant, subject);
    if (known) return known;
    const key = await this.keyStore.currentKey({ tenant, session }, subject);
    pending.set(subject, key);
    return key;
  }

  /** The keys of these (tenant, key id) pairs that still exist, each looked up once. */
  private async findKeys(
    wanted: readonly (readonly [tenant: string, keyId: string])[],
    session: BackendSession<unknown>,
  ): Promise<Map<string, DataKey | undefined>> {
    const keys = new Map<string, DataKey | undefined>();
    for (const [tenant, keyId] of wanted) {
      const id = `${tenant}\0${keyId}`;
      if (keys.has(id)) continue;
      let key = this.cache.findKey(tenant, keyId);
      if (!key) {
        // One at a time: statements of one joined transaction take turns on its connection.
        key = await this.keyStore.findKey({ tenant, session }, keyId);
        if (key) this.cache.found(tenant, key);
      }
      keys.set(id, key);
    }
    return keys;
  }
}

function planOf(data: Record<string, unknown>, fields: SealPlan['fields']): SealPlan {
  const sized: Record<string, unknown> = { ...data };
  for (const field of fields) sized[field.name] = sizedEnvelope(field.plaintext);
  return { data, fields, sized: serialize(sized) };
}

interface SealedFields {
  readonly data: Record<string, unknown>;
  readonly envelopes: readonly (readonly [field: string, envelope: Envelope])[];
}

/** The top-level envelopes of stored data; undefined when it has none. */
function sealedFields(json: string, checkKeyIds = true): SealedFields | undefined {
  const data = deserialize(json);
  if (!isPlainObject(data)) return undefined;
  const envelopes = Object.entries(data).filter((entry): entry is [string, Envelope] => isEnvelope(entry[1]));
  // A key id that is no uuid was never written here: refused before it reaches a uuid column.
  const forged = checkKeyIds && envelopes.find(([, envelope]) => !isUuid(envelope.kid));
  if (forged) throw new PersonalDataTamperedError(forged[0], forged[1].kid);
  return envelopes.length === 0 ? undefined : { data, envelopes };
}

function openFields(
  sealed: SealedFields,
  tenant: string,
  keys: ReadonlyMap<string, DataKey | undefined>,
  erasedOf: (field: string) => unknown,
): { readonly data: unknown; readonly erased: readonly string[] } {
  const data: Record<string, unknown> = { ...sealed.data };
  const erased: string[] = [];
  for (const [field, envelope] of sealed.envelopes) {
    const key = keys.get(`${tenant}\0${envelope.kid}`);
    if (key) {
      data[field] = deserialize(open(key.key, tenant, field, envelope));
    } else {
      const value = erasedOf(field);
      data[field] = value !== null && typeof value === 'object' ? structuredClone(value) : value;
      erased.push(field);
    }
  }
  // In code-unit order: PostgreSQL's jsonb keeps an object's keys in an order of its own.
  return { data, erased: erased.sort() };
}
