/**
 * The outbox: rows written with the append, in its transaction, claimed by relays that hand them
 * to a publisher. Delivery is at-least-once; a row that keeps failing is parked as dead.
 */
import type { StoredEvent } from './streams.js';

/** An outbox row claimed by a relay, with its event. */
export interface OutboxEntry {
  readonly id: bigint;
  /** Delivery attempts so far, this one included. */
  readonly attempts: number;
  readonly event: StoredEvent;
}

export interface DeadOutboxEntry extends OutboxEntry {
  readonly lastError: string | null;
}

/** An outbox row as an operator sees it, pending or dead. */
export interface OutboxRow extends DeadOutboxEntry {
  readonly status: 'pending' | 'dead';
  /** When a relay may try a pending row next; null for a dead one. */
  readonly nextAttemptAt: Date | null;
}

export interface ListOutboxQuery {
  readonly status: 'pending' | 'dead';
  /** Exclusive: the rows after this id, in id order. */
  readonly after?: bigint;
  readonly limit: number;
  /** As claimOutbox takes it: that tenant's rows, or every tenant's. */
  readonly tenant?: string;
}

export interface OutboxCounts {
  readonly pending: number;
  readonly dead: number;
  /** When the oldest pending row was written (with its event); null when none is pending. */
  readonly oldestPendingAt: Date | null;
}

/** Claiming, completing and failing outbox rows, and an operator's handling of dead ones. */
export interface OutboxSession {
  /**
   * Claims due outbox rows for `owner` until `leaseUntil`: the first pending row of each stream
   * (never one behind an earlier row of its stream, so a stream publishes in order), then the
   * rows behind it, up to `limit`. Rows other relays are claiming are skipped, not waited for.
   * Returned in id order. `tenant`: only that tenant's rows (undefined: every tenant's).
   */
  claimOutbox(owner: string, now: Date, leaseUntil: Date, limit: number, tenant?: string): Promise<OutboxEntry[]>;
  /** Deletes delivered rows still claimed by `owner`. */
  completeOutbox(owner: string, ids: readonly bigint[]): Promise<void>;
  /** Records a failed delivery: retry at `retryAt`, or park the row as dead when it is null. */
  failOutbox(owner: string, id: bigint, error: string, retryAt: Date | null): Promise<void>;
  /** Hands back claimed rows that were not attempted (behind a failure in their stream). */
  releaseOutbox(owner: string, ids: readonly bigint[], now: Date): Promise<void>;
  /** The outbox methods below take `tenant` as claimOutbox does: that tenant's rows, or every tenant's. */
  listDeadOutbox(limit: number, tenant?: string): Promise<DeadOutboxEntry[]>;
  /** Pending or dead rows in id order, keyset-paged by `after`. */
  listOutbox(query: ListOutboxQuery): Promise<OutboxRow[]>;
  /** Makes dead rows (all, or those ids) pending again with a fresh attempt count. */
  reviveDeadOutbox(ids: readonly bigint[] | undefined, now: Date, tenant?: string): Promise<number>;
  purgeDeadOutbox(ids: readonly bigint[] | undefined, tenant?: string): Promise<number>;
  countOutbox(tenant?: string): Promise<OutboxCounts>;
}
