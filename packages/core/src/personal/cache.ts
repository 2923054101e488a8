import type { DataKey } from './keyStore.js';

/** Past this many keys by id, expired ones are swept before another is added. */
const SWEEP_AT = 10_000;

interface Entry {
  readonly key: DataKey;
  readonly expiresAt: number;
}

/**
 * Unwrapped data keys of this process, for `ttlMs`: by id for reads, and each subject's current
 * key for writes (only keys known to be committed). `forget` drops a subject's entries at once;
 * other processes keep theirs until they expire.
 */
export class KeyCache {
  private readonly byId = new Map<string, Entry>();
  private readonly current = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  findKey(tenant: string, keyId: string): DataKey | undefined {
    return this.fresh(this.byId, `${tenant}\0${keyId}`);
  }

  currentKey(tenant: string, subject: string): DataKey | undefined {
    return this.fresh(this.current, `${tenant}\0${subject}`);
  }

  /** A key found in the keys table (readers only: it may belong to a transaction still open). */
  found(tenant: string, key: DataKey): void {
    if (this.ttlMs <= 0) return;
    if (this.byId.size >= SWEEP_AT) this.sweep();
    this.byId.set(`${tenant}\0${key.id}`, { key, expiresAt: this.now() + this.ttlMs });
  }

  /** A subject's current key, once the transaction that read or made it has committed. */
  committed(tenant: string, key: DataKey): void {
    if (this.ttlMs <= 0) return;
    const entry = { key, expiresAt: this.now() + this.ttlMs };
    this.current.set(`${tenant}\0${key.subject}`, entry);
    this.byId.set(`${tenant}\0${key.id}`, entry);
  }

  /** Drops every key of the tenant's subject (forgotten or rotated). */
  drop(tenant: string, subject: string): void {
    this.current.delete(`${tenant}\0${subject}`);
    for (const [id, entry] of this.byId) {
      if (entry.key.subject === subject && id.startsWith(`${tenant}\0`)) this.byId.delete(id);
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.byId) if (entry.expiresAt <= now) this.byId.delete(id);
  }

  private fresh(map: Map<string, Entry>, id: string): DataKey | undefined {
    const entry = map.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.key;
    map.delete(id);
    return undefined;
  }
}
