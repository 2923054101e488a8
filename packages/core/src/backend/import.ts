/**
 * Bulk import: many streams' events written in one all-or-nothing batch, each stream under its
 * expected version, with the stream rows, tags and outbox rows an append writes, and positions
 * given by the dialect's log rule (so consumers see imported events as any others).
 */
import type { StreamKey } from '../streams/index.js';
import type { AppendOutcome, EventToStore, ExpectedVersion } from './streams.js';

/** One stream's events in a batch: validated and serialized as an append's. */
export interface ImportStreamRequest {
  readonly stream: StreamKey;
  /** Checked against the stream's version as the batch finds it, under its lock. */
  readonly expectedVersion: ExpectedVersion;
  /** At least one. */
  readonly events: readonly EventToStore[];
}

/** One batch of an import: many streams, written all or nothing. */
export interface ImportBatchRequest {
  /** No stream twice, every stream at least one event. */
  readonly streams: readonly ImportStreamRequest[];
  /** Every event's `recordedAt`. */
  readonly recordedAt: Date;
  /** Some event ids are the caller's: the backend reports those already stored as DuplicateEventIdError. */
  readonly callerEventIds: boolean;
}

/** Bulk import: the part of the backend contract `store.import` writes through. */
export interface ImportSession {
  /**
   * Writes the batch, or nothing of it: a stream whose expected version does not hold fails the
   * whole batch with a `ConcurrencyError` naming it. One outcome per stream, in request order.
   */
  importBatch(request: ImportBatchRequest): Promise<readonly AppendOutcome[]>;
}
