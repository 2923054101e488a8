/**
 * The contract a storage backend implements. The event store (`store/eventStore.ts`) does all
 * validation, serialization and upcasting; a backend only stores and returns already-checked
 * rows, inside the transaction it is given. Two implementations exist: the in-memory backend
 * and the SQL backend (one implementation per dialect, run over an ORM's transaction handle).
 */
import type { StreamKey } from '../streams/index.js';

/** `'any'`: no check; `'no_stream'`: the stream must have no events; `'stream_exists'`: it must
 * have some; a number n: the stream must be exactly at version n (0 is the same as no_stream). */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

/** Where a reader of the global log stands. Ordered by (transactionId, position); on dialects
 * without a transaction horizon transactionId is always 0n and the order is the position. */
export interface LogPosition {
  readonly transactionId: bigint;
  readonly position: bigint;
}

export const LOG_START: LogPosition = Object.freeze({ transactionId: 0n, position: 0n });

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return 0;
}

/** One event ready to store: validated, serialized, size-checked. */
export interface EventToStore {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** JSON text in the store's tagged format (see serialization/json.ts). */
  readonly data: string;
  readonly metadata: string;
  /** Whether this event also gets an outbox row, in the same transaction. */
  readonly outbox: boolean;
}

export interface AppendRequest {
  readonly stream: StreamKey;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly EventToStore[];
  readonly recordedAt: Date;
  /** The caller supplied event ids: the backend must report duplicates as DuplicateEventIdError. */
  readonly callerEventIds: boolean;
}

export interface AppendOutcome {
  /** The stream's version after the append (the last event's version). */
  readonly version: number;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly bigint[];
  readonly transactionId: bigint;
}

/**
 * A stored event as a backend returns it. Data and metadata are the JSON text as it was written,
 * not a driver's parse of it: a parsed JSON string could not be told from text still to parse
 * (the payload `"42"` from the payload `42`). The store parses and revives it once.
 */
export interface StoredEvent {
  readonly position: bigint;
  readonly transactionId: bigint;
  readonly eventId: string;
  readonly stream: StreamKey;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  /** JSON text in the store's tagged format, as `EventToStore` had it. */
  readonly data: string;
  readonly metadata: string;
  readonly recordedAt: Date;
}

export interface ReadStreamQuery {
  readonly stream: StreamKey;
  readonly direction: 'forwards' | 'backwards';
  /** Inclusive bounds on the stream version. */
  readonly fromVersion?: number;
  readonly toVersion?: number;
  readonly limit?: number;
}

export interface LogFilter {
  /** Only this tenant's events; all tenants when absent. */
  readonly tenant?: string;
  readonly categories?: readonly string[];
  readonly types?: readonly string[];
}

export interface ReadLogQuery {
  /** Exclusive: events strictly after this position. */
  readonly after: LogPosition;
  readonly limit: number;
  readonly filter: LogFilter;
}

export interface LogPage {
  /** Committed events after `query.after`, in log order, none skipped: an event that is still
   * being written by an open transaction is held back, and so is everything after it. */
  readonly events: readonly StoredEvent[];
  /** Where the next read continues. It may be past the last returned event when rows were
   * filtered out, never past an event that can still appear. */
  readonly next: LogPosition;
  /**
   * Committed events matching the filter exist beyond what could be returned: an older
   * transaction is still open and holds them back (PostgreSQL). Read again soon rather than
   * idling; a wake-up hint for those events has already been spent.
   */
  readonly heldBack?: boolean;
}

export interface SnapshotToStore {
  readonly stream: StreamKey;
  readonly version: number;
  readonly schemaVersion: number;
  /** JSON text in the store's tagged format. */
  readonly state: string;
  readonly takenAt: Date;
}

export interface StoredSnapshot {
  readonly stream: StreamKey;
  readonly version: number;
  readonly schemaVersion: number;
  /** JSON text in the store's tagged format, as it was saved. */
  readonly state: string;
  readonly takenAt: Date;
}

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

/** The open transaction the database reports as oldest (PostgreSQL): it holds log readers back. */
export interface OldestTransaction {
  readonly pid: number;
  readonly transactionId: bigint;
  readonly ageMs: number;
  readonly state: string;
  readonly query: string;
}

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

export interface OutboxCounts {
  readonly pending: number;
  readonly dead: number;
}

/** Everything a backend does, inside one transaction (or one autocommit read). */
export interface BackendSession<THandle = unknown> {
  /** The transaction this session runs in, as the host's ORM knows it (undefined for autocommit
   * reads): projections write through it so their rows commit with the checkpoint or the append. */
  readonly handle: THandle | undefined;
  /** Appends; `within` runs inside the same all-or-nothing unit (inline projections). */
  append(request: AppendRequest, within?: (outcome: AppendOutcome) => Promise<void>): Promise<AppendOutcome>;
  readStream(query: ReadStreamQuery): Promise<StoredEvent[]>;
  /** 0 when the stream has no events. */
  streamVersion(stream: StreamKey): Promise<number>;
  /** Removes the stream's events and snapshot for good; true when it existed. */
  deleteStream(stream: StreamKey): Promise<boolean>;
  readLog(query: ReadLogQuery): Promise<LogPage>;
  /** Keeps the snapshot unless the stored one is at a higher version. */
  saveSnapshot(snapshot: SnapshotToStore): Promise<void>;
  loadSnapshot(stream: StreamKey): Promise<StoredSnapshot | undefined>;
  /** Where the log ends now: reading after it returns only events committed from now on. */
  logHead(): Promise<LogPosition>;
  /**
   * The log position of the last event committed so far: a reader whose cursor reaches it has
   * seen every one of them. Where positions commit in order it is the head; on PostgreSQL it can
   * lie beyond the horizon, which passes it once older open transactions have ended.
   */
  logEnd(): Promise<LogPosition>;
  /** How many committed events match `filter` after `after`. */
  countLog(after: LogPosition, filter: LogFilter): Promise<number>;
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
  /** Sets an event aside for the consumer (replacing what was recorded for it), stamped with the database's clock. */
  parkEvent(consumer: ConsumerKey, parked: ParkedEventToStore): Promise<void>;
  /** The consumer's parked events in log order (only the halted one with `halted`). */
  listParked(consumer: ConsumerKey, limit: number, halted?: boolean): Promise<ParkedEvent[]>;
  /** Removes parked events (all, or those at these positions); how many. */
  removeParked(consumer: ConsumerKey, positions: readonly bigint[] | undefined): Promise<number>;
  /** The database's clock (the memory backend's `clock`): every instance's leases are judged by it. */
  now(): Promise<Date>;
  /** PostgreSQL: the oldest open writing transaction; undefined elsewhere. */
  oldestOpenTransaction(): Promise<OldestTransaction | undefined>;

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
  /** Makes dead rows (all, or those ids) pending again with a fresh attempt count. */
  reviveDeadOutbox(ids: readonly bigint[] | undefined, now: Date, tenant?: string): Promise<number>;
  purgeDeadOutbox(ids: readonly bigint[] | undefined, tenant?: string): Promise<number>;
  countOutbox(tenant?: string): Promise<OutboxCounts>;
}

export interface BackendCapabilities {
  /** Whether two transactions can both hold uncommitted appends (PostgreSQL). Where they cannot
   * (MySQL's log lock, SQLite's single writer, memory), an open appending transaction makes
   * other appenders wait until it ends. */
  readonly concurrentAppends: boolean;
  /** Whether a read outside any transaction runs while one of this backend's transactions is
   * open, on another connection (PostgreSQL, MySQL), rather than waiting for it to end (SQLite's
   * single writer, memory). Consumers read their next page ahead only where it does. */
  readonly concurrentReads: boolean;
}

export interface SessionOptions<THandle> {
  /** The host's open transaction: join it, never commit or roll it back. */
  readonly handle?: THandle;
}

export interface EventStoreBackend<THandle = never> {
  /** `memory`, `drizzle`, `typeorm`, ... */
  readonly name: string;
  /** `memory`, `postgres`, `mysql`, `sqlite`. */
  readonly dialect: string;
  readonly capabilities: BackendCapabilities;
  /**
   * Runs `work` in one transaction: the host's when `options.handle` is given (never committed
   * or rolled back here), else a new one, committed when `work` resolves and rolled back when it
   * throws.
   */
  transaction<T>(work: (session: BackendSession<THandle>) => Promise<T>, options?: SessionOptions<THandle>): Promise<T>;
  /** Runs read-only `work` without opening a transaction (or inside the host's, given one). */
  read<T>(work: (session: BackendSession<THandle>) => Promise<T>, options?: SessionOptions<THandle>): Promise<T>;
  /**
   * Present where an append is one atomic statement (PostgreSQL): the append with no transaction
   * around it, one round trip instead of BEGIN, append, COMMIT, with the same guarantees. The
   * store uses it for an append that joins no transaction and runs no inline projection.
   */
  appendAlone?(request: AppendRequest): Promise<AppendOutcome>;
}
