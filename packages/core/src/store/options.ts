import type {
  CategorySummary,
  EventStoreBackend,
  ExpectedVersion,
  LogPosition,
  StreamSummary,
} from '../backend/index.js';
import type { AppendCondition } from '../dcb/query.js';
import type { AnyEventDefinition, DomainEvent } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import type { PersonalDataOptions } from '../personal/personalData.js';
import type { StreamKey } from '../streams/index.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { TransactionContext } from './ambient.js';
import type { EventStore } from './eventStore.js';
import type { StoreLimits } from './limits.js';
import type { RecordedEventOf } from './recordedEvent.js';

export interface EventStoreOptions<TEvents extends AnyEventDefinition, THandle> {
  readonly backend: EventStoreBackend<THandle>;
  /** Every event type this store appends or reads. */
  readonly events: readonly TEvents[];
  /** The tenant of the root store (default `'default'`); see `forTenant`. */
  readonly tenant?: string;
  readonly limits?: Partial<StoreLimits>;
  /** Which appended events also get an outbox row (default: none). */
  readonly outbox?: boolean | ((event: DomainEvent, stream: StreamKey) => boolean);
  /** The clock stamping `recordedAt` (tests pin it). */
  readonly clock?: () => Date;
  /** Run inside every append's transaction; one that throws rolls the append back. */
  readonly projections?: readonly InlineProjection<TEvents, THandle>[];
  /**
   * Where the host keeps its current transaction (each ORM package ships its ORM's): a call given
   * no handle joins the transaction open in its async context. An explicit `withTransaction`
   * handle wins; with neither, the store opens its own (see `requireTransaction`).
   */
  readonly transactionContext?: TransactionContext<THandle>;
  /**
   * Refuse writes outside any transaction (explicit, ambient or `atomic`) with a
   * `TransactionRequiredError`, writing nothing, instead of opening one of the store's own
   * (default false): appends, snapshots, repository saves and `store.transaction` alike; only
   * `atomic` opens one. Consumers and relays still run their own transactions.
   */
  readonly requireTransaction?: boolean;
  /**
   * Traces and metrics of the store's operations, its consumers' batches and its relays'
   * publishes (e.g. `openTelemetry()` from `@es/opentelemetry`); default: none.
   */
  readonly telemetry?: Telemetry;
  /**
   * Keys for the events' personal fields (declared with `personal(...)`): master keys wrapping
   * per-subject data keys in the keys table, or a `KeyStore` of your own. Required when an event
   * type declares personal fields.
   */
  readonly personalData?: PersonalDataOptions;
}

/** What a projection handler gets besides the events. */
export interface ProjectionContext<TEvents extends AnyEventDefinition, THandle> {
  /** The transaction the events (or a consumer's checkpoint) commit in, as the host's ORM knows
   * it: write the projection's rows through it and they commit or roll back together. */
  readonly transaction: THandle;
  /** This store, joined to that transaction. */
  readonly store: EventStore<TEvents, THandle>;
}

/** A projection updated in the same transaction as the append (read-your-writes). */
export interface InlineProjection<TEvents extends AnyEventDefinition, THandle> {
  readonly name: string;
  handle(events: RecordedEventOf<TEvents>[], context: ProjectionContext<TEvents, THandle>): Promise<void>;
}

export interface AppendOptions<TType extends string = string> {
  /** Required: say what you expect. `'any'` opts out of the check explicitly. */
  readonly expectedVersion: ExpectedVersion;
  /** Merged under each event's own metadata. */
  readonly metadata?: EventMetadata;
  /**
   * Also append only if no event matching the condition's query exists after its position
   * (dynamic consistency boundaries); both it and the expected version must hold.
   */
  readonly condition?: AppendCondition<TType>;
}

/** Options of an append with no stream (`store.append(events, options)`). */
export interface AppendEventsOptions<TType extends string = string> {
  /** Append only if no event matching its query exists after its position; else `AppendConditionFailedError`. */
  readonly condition?: AppendCondition<TType>;
  /** Merged under each event's own metadata. */
  readonly metadata?: EventMetadata;
}

/** What an append with no stream returns. */
export type AppendEventsResult<TEvents extends AnyEventDefinition> = Pick<
  AppendResult<TEvents>,
  'lastPosition' | 'events'
>;

/** How much of the log a query read takes (`store.read`). */
export interface ReadQueryOptions {
  /** Exclusive start (default: the beginning): the `next` of the page before. */
  readonly after?: LogPosition;
  /** Default 1,000. */
  readonly limit?: number;
  /** As in `ReadStreamOptions`. */
  readonly unknownTypes?: 'throw' | 'raw';
  /**
   * PostgreSQL: how long the read waits (default 10,000 ms) while older open transactions hold
   * back matching events committed after they began, before a `ReadHeldBackError`. It returns
   * only once it has every matching event committed before it, so a decision never misses one.
   */
  readonly maxWaitMs?: number;
}

export interface AppendResult<TEvents extends AnyEventDefinition> {
  /** The stream's version now: pass it as the next append's expectedVersion. */
  readonly nextExpectedVersion: number;
  readonly lastPosition: bigint;
  readonly events: RecordedEventOf<TEvents>[];
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. */
  readonly fromVersion?: number;
  /** Inclusive. */
  readonly toVersion?: number;
  readonly limit?: number;
  /** An event whose type the store does not know: an `UnknownEventTypeError` (`throw`, the
   * default), or handed over as an `UnknownRecordedEvent` (`raw`). */
  readonly unknownTypes?: 'throw' | 'raw';
}

export interface ReadAllOptions {
  /** Exclusive start (default: the beginning). */
  readonly after?: LogPosition;
  /** Default 1,000. */
  readonly limit?: number;
  readonly categories?: readonly string[];
  readonly types?: readonly string[];
  /** Read every tenant's events instead of this store's tenant only. */
  readonly allTenants?: boolean;
  /** As in `ReadStreamOptions`. */
  readonly unknownTypes?: 'throw' | 'raw';
  /**
   * PostgreSQL: how long a page that ends short reads again (default 100 ms) while committed
   * events wait behind an older open transaction, before it is returned with `heldBack`. A
   * transaction of another database that ends while the read places it looks like one of this
   * database's, for that one read; the next read sees past it. 0 returns the first page.
   */
  readonly maxWaitMs?: number;
}

export interface ReadAllResult<TEvents extends AnyEventDefinition, TRead = RecordedEventOf<TEvents>> {
  readonly events: TRead[];
  /**
   * Pass as `after` to continue; never past an event that can still appear. After `store.read`,
   * also the `after` of an append condition over what was read.
   */
  readonly next: LogPosition;
  /**
   * PostgreSQL: committed events beyond this page wait behind an older open transaction (read
   * again soon rather than idling).
   */
  readonly heldBack?: boolean;
}

export interface ListStreamsOptions {
  readonly category?: string;
  /** List every tenant's streams instead of this store's tenant's only. */
  readonly allTenants?: boolean;
  /** Exclusive: continue after this stream (the `next` of the page before). */
  readonly after?: StreamKey;
  /** Only streams whose id starts with this (a range of the streams' key, not a scan). */
  readonly idPrefix?: string;
  /** Default 100. */
  readonly limit?: number;
}

export interface ListCategoriesOptions {
  /** List every tenant's categories instead of this store's tenant's only. */
  readonly allTenants?: boolean;
  /** Exclusive: continue after this category (the `next` of the page before). */
  readonly after?: { readonly tenant: string; readonly category: string };
  /** Default 100. */
  readonly limit?: number;
  /** Count each category's streams up to this many (default 1,000): a count stops there. */
  readonly countUpTo?: number;
}

export interface ListCategoriesResult {
  /** In (tenant, category) order; `streams` is at most the `countUpTo` asked for. */
  readonly categories: CategorySummary[];
  /** Pass as `after` for the next page; undefined when this page was the last. */
  readonly next: { readonly tenant: string; readonly category: string } | undefined;
}

export interface ReadEventOptions {
  /** Find it in any tenant's streams, not only this store's tenant's. */
  readonly allTenants?: boolean;
  /** `raw`: an event of a type this store does not know comes back as stored instead of throwing. */
  readonly unknownTypes?: 'throw' | 'raw';
}

export interface ListStreamsResult {
  /** In (tenant, category, id) order. */
  readonly streams: StreamSummary[];
  /** Pass as `after` for the next page; undefined when this page was the last. */
  readonly next: StreamKey | undefined;
}

export interface Snapshot<TState> {
  readonly version: number;
  readonly state: TState;
  /** The shape of `state`; a snapshot at another schema version is ignored by repositories. */
  readonly schemaVersion: number;
  readonly takenAt: Date;
  /** The personal fields of `state` whose subject was forgotten (they hold their erased values); absent when none. */
  readonly erased?: readonly string[];
}

/**
 * The personal fields of a snapshot's state (top-level fields of an object): stored encrypted
 * with the key of the subject `subject` returns, read as the erased value given here once that
 * subject is forgotten.
 */
export interface SnapshotPersonalFields<TState> {
  readonly subject: (state: TState) => string;
  /** Field name -> the value a reader sees once the subject is forgotten. */
  readonly fields: { readonly [K in keyof TState]?: TState[K] };
}
