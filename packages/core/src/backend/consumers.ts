/**
 * What consumers keep in the store: their checkpoint and lease (one holder at a time, judged by
 * the database's clock), and the events their failure policy set aside.
 */
import type { LogPosition } from './log.js';
import type { StoredEvent } from './streams.js';

/** A consumer's checkpoint is its name inside a tenant scope: two tenants' consumers never share one. */
export interface ConsumerKey {
  readonly tenant: string;
  readonly name: string;
}

/** A consumer's row: where it stands in the log, and who holds it. */
export interface ConsumerCheckpoint {
  readonly position: LogPosition;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
  /** Never stored yet: the consumer starts where its options say. */
  readonly isNew: boolean;
}

/** A checkpoint row found by `listConsumers`: its name, and whether its lease is live by the database's clock. */
export interface ConsumerRow extends ConsumerCheckpoint {
  readonly name: string;
  readonly leaseLive: boolean;
}

/** An event a consumer set aside after its failure policy's retries, with the error. */
export interface ParkedEvent {
  readonly event: StoredEvent;
  readonly error: string;
  /** Runs that failed before it was set aside. */
  readonly attempts: number;
  readonly parkedAt: Date;
  /** The consumer stopped at it (`halt`) instead of going on past it (`park`). */
  readonly halted: boolean;
}

/** What `parkEvent` records. */
export interface ParkedEventToStore {
  readonly position: bigint;
  readonly error: string;
  readonly attempts: number;
  readonly halted: boolean;
}

/** A consumer's checkpoint and lease. */
export interface CheckpointSession {
  /**
   * Creates the consumer's row if it is missing and takes or renews its lease for `owner` for
   * `leaseMs`, judged by the database's clock (never an instance's own). Undefined when another
   * owner holds a lease that has not run out. Run it in a transaction of its own and keep the
   * batch's writes for later: on PostgreSQL a write takes a transaction id, which holds every log
   * reader on the server back for as long as its transaction is open.
   */
  claimConsumer(consumer: ConsumerKey, owner: string, leaseMs: number): Promise<ConsumerCheckpoint | undefined>;
  /**
   * Moves the checkpoint from `from` to `to` if `owner` still holds the consumer and its checkpoint
   * is still at `from`, stamped with the database's clock: of two instances that handled the same
   * page, only one moves it. False when the consumer was lost (the caller rolls its batch back).
   */
  storeCheckpoint(consumer: ConsumerKey, owner: string, from: LogPosition, to: LogPosition): Promise<boolean>;
  /** Gives the lease up if `owner` holds it. */
  releaseConsumer(consumer: ConsumerKey, owner: string): Promise<void>;
  readCheckpoint(consumer: ConsumerKey): Promise<ConsumerCheckpoint | undefined>;
  /**
   * Every checkpoint row of `tenant` whose name starts with `prefix` (matched literally: no
   * wildcards), ordered by name, with whether its lease is live by the database's clock: how a
   * partitioned consumer sees its partitions and live members.
   */
  listConsumers(tenant: string, prefix: string): Promise<ConsumerRow[]>;
  /**
   * Deletes the row if `owner` holds it, or (no owner) if its lease is free or has run out by the
   * database's clock (pruning a dead member). True if it deleted the row.
   */
  deleteConsumer(consumer: ConsumerKey, owner?: string): Promise<boolean>;
}

/** The events a consumer set aside (`park`) or stopped at (`halt`). */
export interface ParkedSession {
  /** Sets an event aside for the consumer (replacing what was recorded for it), stamped with the database's clock. */
  parkEvent(consumer: ConsumerKey, parked: ParkedEventToStore): Promise<void>;
  /** The consumer's parked events in log order (only the halted one with `halted`). */
  listParked(consumer: ConsumerKey, limit: number, halted?: boolean): Promise<ParkedEvent[]>;
  /** Removes parked events (all, or those at these positions); how many. */
  removeParked(consumer: ConsumerKey, positions: readonly bigint[] | undefined): Promise<number>;
}
