/**
 * Appending to and reading streams: the part of the backend contract every backend has. The
 * stored event defined here is also what the log, the outbox and parked events hand back.
 */
import type { StreamKey } from '../streams/index.js';
import type { AppendConditionToCheck } from './tags.js';

/** `'any'`: no check; `'no_stream'`: the stream must have no events; `'stream_exists'`: it must
 * have some; a number n: the stream must be exactly at version n (0 is the same as no_stream). */
export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | number;

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
  /** Checked, none twice, in code-unit order; one row each in the tags table. */
  readonly tags: readonly string[];
}

export interface AppendRequest {
  readonly stream: StreamKey;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly EventToStore[];
  readonly recordedAt: Date;
  /** The caller supplied event ids: the backend must report duplicates as DuplicateEventIdError. */
  readonly callerEventIds: boolean;
  /**
   * Append only if no event matching the query exists after the position (dynamic consistency
   * boundaries); else an `AppendConditionFailedError`, checked atomically with the insert.
   */
  readonly condition?: AppendConditionToCheck;
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
  /** In code-unit order. */
  readonly tags: readonly string[];
}

export interface ReadStreamQuery {
  readonly stream: StreamKey;
  readonly direction: 'forwards' | 'backwards';
  /** Inclusive bounds on the stream version. */
  readonly fromVersion?: number;
  readonly toVersion?: number;
  readonly limit?: number;
}

export interface ListStreamsQuery {
  /** Only this tenant's streams; every tenant's when absent. */
  readonly tenant?: string;
  readonly category?: string;
  /** Exclusive: the streams after this one in (tenant, category, id) order. */
  readonly after?: StreamKey;
  /** Only streams whose id starts with this (compared as the id column compares names). */
  readonly idPrefix?: string;
  readonly limit: number;
}

/** A stream and its version, as `listStreams` returns it. */
export interface StreamSummary {
  readonly stream: StreamKey;
  readonly version: number;
  /** When its last event was recorded. */
  readonly updatedAt: Date;
}

export interface ListCategoriesQuery {
  /** Only this tenant's categories; every tenant's when absent. */
  readonly tenant?: string;
  /** Exclusive: the categories after this one in (tenant, category) order. */
  readonly after?: { readonly tenant: string; readonly category: string };
  readonly limit: number;
  /** Streams are counted up to this many: a count never walks more of a category than that. */
  readonly countUpTo: number;
}

/** A category of a tenant that has streams, and how many (at most the query's `countUpTo`). */
export interface CategorySummary {
  readonly tenant: string;
  readonly category: string;
  readonly streams: number;
}

/** Appending to a stream under an expected version, and reading it back. */
export interface StreamSession {
  /** Appends; `within` runs inside the same all-or-nothing unit (inline projections). */
  append(request: AppendRequest, within?: (outcome: AppendOutcome) => Promise<void>): Promise<AppendOutcome>;
  readStream(query: ReadStreamQuery): Promise<StoredEvent[]>;
  /** 0 when the stream has no events. */
  streamVersion(stream: StreamKey): Promise<number>;
  /** Removes the stream's events and snapshot for good; true when it existed. */
  deleteStream(stream: StreamKey): Promise<boolean>;
  /** Streams that have events, in (tenant, category, id) order, by the database's comparison of
   * names (the memory backend's: code units); `after` pages through them. */
  listStreams(query: ListStreamsQuery): Promise<StreamSummary[]>;
  /** The (tenant, category) pairs that have streams, in that order, each found by one probe of
   * the streams' primary key (never a scan of every stream). */
  listCategories(query: ListCategoriesQuery): Promise<CategorySummary[]>;
  /** The event with this id, whichever stream it is in. */
  readEvent(eventId: string): Promise<StoredEvent | undefined>;
}
