import type { LogPosition, OldestTransaction } from '../backend/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { ProjectionContext } from '../store/options.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import type { StreamKey } from '../streams/index.js';
import type { PollingOptions } from '../util/pollingLoop.js';
import type { ConsumerFailurePolicy } from './failures.js';

export interface ConsumerOptions<TEvents extends AnyEventDefinition, THandle> {
  /**
   * Identifies the consumer's checkpoint with the store's tenant: every process running this name
   * on a store of the same tenant shares it; the same name on another tenant's store is another
   * consumer.
   */
  readonly name: string;
  /**
   * Handles one batch, in log order. It runs in the transaction that also moves the checkpoint:
   * writes made through `context.transaction` (or `context.store`) commit exactly once with it.
   * Throwing rolls the batch back; it is retried after a pause, then as `onFailure` says.
   */
  handle(events: RecordedEventOf<TEvents>[], context: ProjectionContext<TEvents, THandle>): Promise<void>;
  /** Where a consumer without a checkpoint starts (default: the beginning). */
  readonly start?: 'beginning' | 'end' | LogPosition;
  readonly categories?: readonly string[];
  readonly types?: readonly string[];
  /** Every tenant's events (default: only the store's tenant). */
  readonly allTenants?: boolean;
  /** Events per batch (default 100). */
  readonly batchSize?: number;
  /**
   * After a full batch, read the next page on another connection while the handler runs, where
   * the backend can (default true; see `Consumer.prefetch`). Turn it off to keep a catching-up
   * consumer to one connection.
   */
  readonly readAhead?: boolean;
  /** Idle polling backs off from `minMs` to `maxMs` (defaults 10 and 1,000). */
  readonly polling?: PollingOptions;
  /** How long a holder keeps the consumer without renewing (default 15 s). */
  readonly leaseMs?: number;
  /** This instance's name in the lease, at most 100 characters (default host:pid:random). */
  readonly owner?: string;
  /**
   * What a batch that keeps failing does (its handler throws, or an event's type is unknown to the
   * store). Default: retried for ever, after a growing pause.
   */
  readonly onFailure?: ConsumerFailurePolicy;
  /** Called with errors of failed batches (they are retried); default: console.error. */
  readonly onError?: (error: unknown) => void;
  /** A wake-up hint (e.g. PostgreSQL LISTEN): call `wake` when new events may be there. The
   * consumer still reads by position; the hint only cuts the polling delay. */
  readonly wakeUp?: (wake: () => void) => Promise<() => Promise<void>>;
  /**
   * Splits the consumer into this many partitions (an integer 2..256), each with its own
   * checkpoint and lease, shared out among the running instances: an event goes to the partition
   * of its stream (`partitionOf`), so each stream is still handled in order by one instance at a
   * time. Absent: one checkpoint, one instance at a time. The count is fixed for a name.
   */
  readonly partitions?: number;
  /**
   * Partitioned only: how many of the partitions it holds this instance handles at once (default
   * 1). Each holds a connection while its batch runs.
   */
  readonly concurrency?: number;
}

export type BatchOutcome =
  | { readonly status: 'processed'; readonly count: number; readonly position: LogPosition }
  /** Nothing to handle now; `heldBack`: committed events wait behind an open transaction. */
  | { readonly status: 'idle'; readonly position: LogPosition; readonly heldBack: boolean }
  | { readonly status: 'not-holder'; readonly holder: string | null }
  /** The event at `position` failed every retry and was set aside (`park`); the batch went on past it. */
  | { readonly status: 'parked'; readonly position: bigint; readonly error: string }
  /** The consumer stands at the event at `position` (`halt`) until an operator retries or skips it. */
  | { readonly status: 'halted'; readonly position: bigint; readonly error: string };

export interface ConsumerStatus {
  readonly name: string;
  /** Undefined until the consumer stored a checkpoint. */
  readonly checkpoint: LogPosition | undefined;
  readonly head: LogPosition;
  /** Committed events matching the filter after the checkpoint. */
  readonly lag: number;
  /** When the first event the consumer has yet to handle was recorded (undefined: caught up), by
   * the store's clock: how far behind it is in time. */
  readonly oldestUnhandledAt: Date | undefined;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
  /** PostgreSQL: the oldest open writing transaction, which holds every log reader back. */
  readonly oldestOpenTransaction: OldestTransaction | undefined;
  /** Events set aside by the failure policy (the first 100, in log order); a halted one stops the consumer. */
  readonly parked: readonly ParkedSummary[];
  /** A partitioned consumer's partitions, in order (absent when unpartitioned). */
  readonly partitions?: readonly PartitionStatus[];
  /** A partitioned consumer's live instances, by owner (absent when unpartitioned). */
  readonly instances?: readonly ConsumerInstance[];
}

/** Where one partition of a partitioned consumer stands, and who holds it. */
export interface PartitionStatus {
  /** 0 to the count - 1. */
  readonly partition: number;
  /** Undefined until the partition stored a checkpoint. */
  readonly checkpoint: LogPosition | undefined;
  /** Events of this partition committed after its checkpoint. */
  readonly lag: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
  /** A lease owner is set and its lease has not run out, by the database's clock. */
  readonly held: boolean;
}

/** A live instance of a partitioned consumer: its owner, and when its membership runs out unless renewed. */
export interface ConsumerInstance {
  readonly owner: string;
  readonly expiresAt: Date;
}

/** A parked event as `status()` and `consumer.parked.list()` show it. */
export interface ParkedSummary {
  readonly position: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly stream: StreamKey;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: Date;
  readonly halted: boolean;
}

/** The defaults of the consumer's numeric options, resolved in one place. */
export const CONSUMER_DEFAULTS = { batchSize: 100, leaseMs: 15_000 } as const;
