import { randomUUID } from 'node:crypto';
import type { BackendSession, DataKeyRow } from '../backend/index.js';
import { InvalidArgumentError, MasterKeyError, StoreError } from '../errors/index.js';
import { ALGORITHM, type Algorithm, KEY_BYTES, type MasterKey, newDataKey, unwrapKey, wrapKey } from './cipher.js';
import { MASTER_KEY_ID_MAX_LENGTH } from './limits.js';

/** Where a key is looked up or made: a tenant, and the session (transaction) of the operation asking. */
export interface KeyScope {
  /** Keys are per tenant and subject. */
  readonly tenant: string;
  /** The operation's session: keys are made, read and deleted in its transaction. */
  readonly session: BackendSession<unknown>;
}

/** A subject's data key, unwrapped. */
export interface DataKey {
  /** A uuid: stored in every envelope it sealed (`kid`). */
  readonly id: string;
  /** The data subject it belongs to. */
  readonly subject: string;
  /** `A256GCM`, stored with every value it seals. */
  readonly algorithm: Algorithm;
  /** 32 bytes. */
  readonly key: Uint8Array;
}

/**
 * Where data keys live. The default keeps them in the `<prefix>data_keys` table, wrapped by the
 * application's master keys (`personalData: { masterKeys }`); one over a KMS implements this.
 */
export interface KeyStore {
  /** The subject's newest key; creates version 1 on first use, in the scope's transaction. */
  currentKey(scope: KeyScope, subject: string): Promise<DataKey>;
  /** The key with this id; undefined when it is gone (the subject was forgotten). */
  findKey(scope: KeyScope, keyId: string): Promise<DataKey | undefined>;
  /** Adds a new version of the subject's key: new writes use it, older data stays readable. Its version is returned with it. */
  rotateKey(scope: KeyScope, subject: string): Promise<DataKey & { readonly version: number }>;
  /** Deletes every key of the subject; returns how many. */
  forget(scope: KeyScope, subject: string): Promise<number>;
}

/** Master keys checked: at least one, ids unique and storable, each key 32 bytes. */
export function checkMasterKeys(masterKeys: unknown): readonly MasterKey[] {
  if (!Array.isArray(masterKeys) || masterKeys.length === 0) {
    throw new InvalidArgumentError('personalData.masterKeys needs at least one { id, key } (the first wraps new keys)');
  }
  const ids = new Set<string>();
  for (const master of masterKeys as MasterKey[]) {
    if (
      master === null ||
      typeof master !== 'object' ||
      typeof master.id !== 'string' ||
      master.id.length === 0 ||
      master.id.length > MASTER_KEY_ID_MAX_LENGTH
    ) {
      throw new InvalidArgumentError(
        `a master key's id must be a string of 1 to ${MASTER_KEY_ID_MAX_LENGTH} characters`,
      );
    }
    if (!(master.key instanceof Uint8Array) || master.key.length !== KEY_BYTES) {
      throw new InvalidArgumentError(`master key '${master.id}' must be ${KEY_BYTES} bytes (a Uint8Array)`);
    }
    if (ids.has(master.id)) throw new InvalidArgumentError(`master key id '${master.id}' is given twice`);
    ids.add(master.id);
  }
  return Object.freeze([...(masterKeys as MasterKey[])]);
}

/** Tries at most this many versions when concurrent rotations of one subject race. */
const ROTATION_ATTEMPTS = 10;

/**
 * The default key store: data keys in the backend's keys table, wrapped by the first master key
 * and unwrapped by whichever master key's id they name.
 */
export function createTableKeyStore(options: {
  readonly masterKeys: readonly MasterKey[];
  readonly clock?: () => Date;
}): KeyStore {
  const masterKeys = checkMasterKeys(options.masterKeys);
  const current = masterKeys[0] as MasterKey;
  const clock = options.clock ?? (() => new Date());

  const unwrap = (row: DataKeyRow): DataKey => {
    const master = masterKeys.find((candidate) => candidate.id === row.masterKeyId);
    if (!master) throw new MasterKeyError(row.masterKeyId, 'no master key of this id is configured');
    return {
      id: row.keyId,
      subject: row.subject,
      algorithm: ALGORITHM,
      key: unwrapKey(master, row.tenant, row.subject, row.keyId, row.wrappedKey),
    };
  };

  /** Inserts version `version` of the subject's key; undefined when another transaction made that version first. */
  const insert = async (scope: KeyScope, subject: string, version: number) => {
    const keyId = randomUUID();
    const key = newDataKey();
    const row: DataKeyRow = {
      tenant: scope.tenant,
      keyId,
      subject,
      version,
      algorithm: ALGORITHM,
      masterKeyId: current.id,
      wrappedKey: wrapKey(current, scope.tenant, subject, keyId, key),
      createdAt: clock(),
    };
    if (!(await scope.session.insertDataKey(row))) return undefined;
    return { id: keyId, subject, algorithm: ALGORITHM, key, version } as const;
  };

  return {
    async currentKey(scope, subject) {
      const row = await scope.session.currentDataKey(scope.tenant, subject);
      if (row) return unwrap(row);
      // First use; a concurrent first use may win the insert, and then its key is the one.
      const made = await insert(scope, subject, 1);
      if (made) return made;
      const winner = await scope.session.currentDataKey(scope.tenant, subject);
      if (!winner)
        throw new StoreError('the data key of a subject was made and deleted concurrently', { retryable: true });
      return unwrap(winner);
    },
    async findKey(scope, keyId) {
      const row = await scope.session.findDataKey(scope.tenant, keyId);
      return row && unwrap(row);
    },
    async rotateKey(scope, subject) {
      for (let attempt = 0; attempt < ROTATION_ATTEMPTS; attempt++) {
        const row = await scope.session.currentDataKey(scope.tenant, subject);
        const made = await insert(scope, subject, (row?.version ?? 0) + 1);
        if (made) return made;
      }
      throw new StoreError('the data key of a subject is being rotated concurrently', { retryable: true });
    },
    forget(scope, subject) {
      return scope.session.deleteDataKeys(scope.tenant, subject);
    },
  };
}
