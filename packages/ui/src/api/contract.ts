/**
 * The event browser's JSON API: what the handler answers under `<base path>/api/`, and what the
 * page reads. Written once here for both sides (server and page import these types).
 *
 * Conventions:
 * - Bigints (global positions, transaction ids, outbox row ids) are decimal strings; times are ISO
 *   8601 strings; event data, metadata and snapshot state are plain JSON (a Date as its ISO string,
 *   a bigint as its decimal string, a Map as an object or an array of entries, a Set as an array).
 * - Paged lists are keyset-paged: `next` is an opaque cursor to pass back as `after`, `null` at the end.
 * - Every failure is `ErrorBody` with an HTTP status: 400 bad input, 401 no or wrong token, 403
 *   actions disabled or a cross-origin POST, 404 not found, 409 conflict, 500 otherwise.
 * - POSTs take a JSON body (`Content-Type: application/json`) and a same-origin `Origin` header
 *   when a browser sends them.
 */

/** ISO 8601 time, e.g. `2025-01-31T12:00:00.000Z`. */
export type IsoTime = string;
/** A bigint as its decimal string. */
export type BigintString = string;
/**
 * Where a reader of the global log stands, serialised: `<transactionId>:<position>` (on dialects
 * without a transaction horizon the transaction id is `0`). Opaque to the page: pass it back.
 */
export type LogCursor = string;

/** Plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// errors

/** Stable error codes of the API (besides the store's own `EsError` codes, passed through). */
export type ApiErrorCode =
  | 'UNAUTHORIZED' // 401: the token is missing or wrong
  | 'ACTIONS_DISABLED' // 403: an action while the browser was created without `actions: true`
  | 'CROSS_ORIGIN' // 403: a POST whose Origin is not the page's own, or not JSON
  | 'NOT_FOUND' // 404: no such endpoint
  | 'METHOD_NOT_ALLOWED' // 405
  | 'BAD_REQUEST' // 400: a malformed query parameter or body
  | 'STREAM_NOT_FOUND' // 404: the stream has no events
  | 'EVENT_NOT_FOUND' // 404: no event has that id
  | 'CONSUMER_NOT_FOUND' // 404: no consumer of that name (and tenant) was given to the browser
  | 'REBUILD_RUNNING' // 409: that consumer is being rebuilt already
  | 'INTERNAL' // 500
  | (string & {}); // a store error's own code (e.g. INVALID_STREAM), with the status of its kind

export interface ErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string };
}

// ---------------------------------------------------------------------------------------------
// GET api/meta

export interface MetaResponse {
  /** The backend's name (e.g. `drizzle`) and SQL dialect (`postgres`, `mysql`, `sqlite`, `memory`). */
  readonly storeName: string;
  readonly dialect: string;
  /** The store's tenant: the one shown first, and every query's default. */
  readonly tenant: string;
  /** True when the store is scoped to one tenant: the browser then shows only that tenant's data. */
  readonly tenantScoped: boolean;
  /** Whether the action endpoints (and so the page's buttons) are enabled. */
  readonly actions: boolean;
  /** How often the server samples consumers' lag, and how far back it keeps the samples. */
  readonly lagSampling: { readonly everyMs: number; readonly keepMs: number };
  /**
   * Whether personal fields (declared with `personal(...)`) are masked: their values arrive as
   * `[personal]` and are named in each event's `masked`. False when the browser was created with
   * `personalData: 'visible'` (`es ui --show-personal`).
   */
  readonly masking: boolean;
}

// ---------------------------------------------------------------------------------------------
// GET api/categories?tenant=&after=&limit=

export interface CategorySummary {
  readonly tenant: string;
  readonly category: string;
  /**
   * How many streams it has, counted up to 1,000 (a count walks the streams' primary key, so it
   * stops early rather than scan a large category); `streamsCapped`: there are more than that.
   */
  readonly streams: number;
  readonly streamsCapped: boolean;
}

export interface CategoriesResponse {
  readonly categories: CategorySummary[];
  readonly next: string | null;
}

// ---------------------------------------------------------------------------------------------
// GET api/streams?tenant=&category=&search=<id prefix>&after=&limit=

export interface StreamKeyJson {
  readonly tenant: string;
  readonly category: string;
  readonly id: string;
}

export interface StreamSummaryJson extends StreamKeyJson {
  readonly version: number;
  /** When its last event was recorded. */
  readonly updatedAt: IsoTime | null;
}

export interface StreamsResponse {
  readonly streams: StreamSummaryJson[];
  readonly next: string | null;
}

// ---------------------------------------------------------------------------------------------
// events, as every endpoint returns them

export interface EventJson {
  readonly eventId: string;
  readonly type: string;
  readonly stream: StreamKeyJson;
  /** Its version in its stream (1, 2, 3 ...). */
  readonly version: number;
  /** Global position, and the writing transaction's id (PostgreSQL; 0 elsewhere). */
  readonly position: BigintString;
  readonly transactionId: BigintString;
  /** Where the log stands once this event is read (the log cursor after it). */
  readonly cursor: LogCursor;
  readonly recordedAt: IsoTime;
  /** The schema version it was stored with (data is shown upcast to the current one). */
  readonly schemaVersion: number;
  /** The store was not given this event type: data and metadata are shown as stored. */
  readonly unknownType: boolean;
  readonly data: Json;
  /**
   * Personal fields whose subject was forgotten: they hold the declared erased value (stored field
   * names; absent when none was erased).
   */
  readonly erased?: string[];
  /** Personal fields whose values are masked as `[personal]` (absent when none was; see `meta.masking`). */
  readonly masked?: string[];
  /** `correlationId` and `causationId` name other events (links: GET api/events/<id>). */
  readonly metadata: {
    readonly correlationId?: string;
    readonly causationId?: string;
    readonly [key: string]: Json | undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// GET api/stream?tenant=&category=&id=&fromVersion=&limit=

export interface SnapshotJson {
  readonly version: number;
  readonly schemaVersion: number;
  readonly takenAt: IsoTime;
  readonly state: Json;
}

export interface StreamResponse {
  readonly stream: StreamSummaryJson;
  /** In version order, from `fromVersion` (default 1), at most `limit` (default 100, max 1000). */
  readonly events: EventJson[];
  readonly snapshot: SnapshotJson | null;
  /** The `fromVersion` of the next page; null when this page reaches the stream's version. */
  readonly next: number | null;
}

// ---------------------------------------------------------------------------------------------
// GET api/events/<eventId>

export interface EventResponse {
  readonly event: EventJson;
}

// ---------------------------------------------------------------------------------------------
// GET api/log?after=<cursor>&tail=<n>&limit=&tenant=&category=&type=
//   after: events after this cursor, in log order (the order consumers read; never skips a late
//          commit, never repeats); without it, from the start of the log, or with tail=n the last n
//          or so events (the page's live view starts there).
// GET api/log/live?after=<cursor>  (text/event-stream)
//   Each message: `event: events`, `id: <cursor after its last event>`, `data: LogPage` (JSON);
//   a reconnecting EventSource sends Last-Event-ID, which wins over ?after, so it resumes exactly.
//   Without after nor Last-Event-ID it starts at the log's end. A comment line every 15 s keeps
//   proxies from closing it. A read that fails ends the stream after an `event: failure` message
//   whose data is an ErrorBody (the EventSource then reconnects from its last id).

export interface LogResponse {
  readonly events: EventJson[];
  /** Pass as `after` for what comes next (also when `events` is empty). */
  readonly next: LogCursor;
  /** PostgreSQL: committed events wait behind an open transaction (read again soon). */
  readonly heldBack: boolean;
}

/** The data of one live message. */
export type LiveLogMessage = LogResponse;

// ---------------------------------------------------------------------------------------------
// GET api/consumers

export interface OpenTransactionJson {
  readonly transactionId: BigintString;
  readonly pid: number;
  readonly ageMs: number;
  readonly state: string;
  readonly query: string;
}

export type ConsumerState =
  | 'caught-up' // lag 0
  | 'behind' // events to handle
  | 'held-back' // behind, and the log is held back by an open transaction (heldBackBy)
  | 'halted' // stopped at an event it could not handle (haltedAt)
  | 'rebuilding'; // a rebuild started from the browser is running (rebuild)

export interface LagSample {
  readonly at: IsoTime;
  readonly lag: number;
}

export interface ConsumerJson {
  readonly name: string;
  readonly tenant: string;
  readonly checkpoint: LogCursor | null;
  readonly head: LogCursor;
  /** Events it has yet to handle. */
  readonly lag: number;
  /** How long the oldest of them has waited; null when none. */
  readonly lagMs: number | null;
  /** The instance holding its lease now; null when none holds it. */
  readonly holder: string | null;
  readonly leaseExpiresAt: IsoTime | null;
  readonly status: ConsumerState;
  readonly parked: number;
  /** The global position it is halted at. */
  readonly haltedAt: BigintString | null;
  readonly heldBackBy: OpenTransactionJson | null;
  /** The progress of a rebuild started from the browser while it runs; null otherwise. */
  readonly rebuild: { readonly handled: number; readonly total: number } | null;
  /** Sampled lag, oldest first, over the last `meta.lagSampling.keepMs`. */
  readonly history: LagSample[];
  /** A partitioned consumer's partitions, in order (its `lag` is counted from the lowest checkpoint); null when unpartitioned. */
  readonly partitions: PartitionJson[] | null;
  /** A partitioned consumer's live instances, by owner; null when unpartitioned. */
  readonly instances: string[] | null;
}

/** One partition of a partitioned consumer. */
export interface PartitionJson {
  readonly partition: number;
  readonly checkpoint: LogCursor | null;
  /** Events of this partition it has yet to handle. */
  readonly lag: number;
  /** The instance whose lease on it is live (by the database's clock); null when none holds it. */
  readonly holder: string | null;
  readonly leaseExpiresAt: IsoTime | null;
}

export interface ConsumersResponse {
  readonly consumers: ConsumerJson[];
  readonly sampledAt: IsoTime;
}

// ---------------------------------------------------------------------------------------------
// GET api/outbox?status=pending|dead&tenant=&after=&limit=

export type OutboxStatus = 'pending' | 'dead';

export interface OutboxRowJson {
  readonly id: BigintString;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  /** Pending: when the relay may try it next; dead: null. */
  readonly nextAttemptAt: IsoTime | null;
  readonly event: EventJson;
}

export interface OutboxResponse {
  readonly rows: OutboxRowJson[];
  readonly next: string | null;
  readonly counts: { readonly pending: number; readonly dead: number; readonly oldestPendingAt: IsoTime | null };
}

// ---------------------------------------------------------------------------------------------
// actions (403 ACTIONS_DISABLED unless the browser was created with `actions: true`)
// POST api/outbox/retry   body OutboxActionRequest -> { retried }  dead rows made pending again
// POST api/outbox/purge   body OutboxActionRequest -> { purged }   dead rows deleted
// POST api/consumers/<name>/rebuild?tenant=  body {} -> 202 RebuildResponse (runs in the
//      background; GET api/consumers shows its progress and `status: 'rebuilding'`)

export interface OutboxActionRequest {
  /** The dead rows' ids; absent: every dead row (of `tenant` when given). */
  readonly ids?: BigintString[];
  readonly tenant?: string;
}

export interface RetryResponse {
  readonly retried: number;
}

export interface PurgeResponse {
  readonly purged: number;
}

export interface RebuildResponse {
  readonly started: true;
}

// ---------------------------------------------------------------------------------------------

/** Every GET endpoint, by path under `api/`, with its response. */
export interface ApiGetResponses {
  meta: MetaResponse;
  categories: CategoriesResponse;
  streams: StreamsResponse;
  stream: StreamResponse;
  'events/:eventId': EventResponse;
  log: LogResponse;
  consumers: ConsumersResponse;
  outbox: OutboxResponse;
}
