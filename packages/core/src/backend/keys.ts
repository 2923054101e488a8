/** Data keys of personal data (crypto-shredding): one per (tenant, subject) and version, stored wrapped. */

export interface DataKeyRow {
  /** Keys are per tenant: a tenant's lookups never find another's. */
  readonly tenant: string;
  /** A uuid, lower-case. */
  readonly keyId: string;
  /** The data subject's id (at most 200 characters). */
  readonly subject: string;
  /** 1 for a subject's first key, +1 per rotation. */
  readonly version: number;
  /** `A256GCM`. */
  readonly algorithm: string;
  /** The id of the master key that wrapped it. */
  readonly masterKeyId: string;
  /** base64url of the wrapping's iv (12 bytes), ciphertext and tag (16 bytes). */
  readonly wrappedKey: string;
  /** When it was made (the store's clock). */
  readonly createdAt: Date;
}

/** Finding, adding and deleting data keys, in the session's transaction. */
export interface KeySession {
  /** The key with this id in this tenant; undefined when there is none (never made, or forgotten). */
  findDataKey(tenant: string, keyId: string): Promise<DataKeyRow | undefined>;
  /** The subject's newest key (highest version) in this tenant. */
  currentDataKey(tenant: string, subject: string): Promise<DataKeyRow | undefined>;
  /**
   * Inserts the key unless the tenant's subject has one at that version already (a concurrent
   * first use or rotation): true when this row was inserted, false when another one won.
   */
  insertDataKey(row: DataKeyRow): Promise<boolean>;
  /** Deletes every key of the tenant's subject; returns how many. */
  deleteDataKeys(tenant: string, subject: string): Promise<number>;
}
