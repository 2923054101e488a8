/**
 * The points where a store, its consumers and its relays tell an instrumentation what they do:
 * each operation runs inside a hook that may time it, trace it or count it, and long-lived
 * consumers and relays are offered for observation while they run. Nothing here knows
 * OpenTelemetry (`@es/opentelemetry` implements the hooks with it); without a `telemetry` option
 * every hook just runs its work.
 */
import type { EventStoreBackend } from '../backend/backend.js';
import type { ConsumerKey } from '../backend/consumers.js';
import type { LogFilter, LogPosition } from '../backend/log.js';
import type { OutboxCounts } from '../backend/outbox.js';
import type { ExpectedVersion } from '../backend/streams.js';
import type { BatchOutcome, ConsumerStatus } from '../consumers/options.js';
import type { EventMetadata } from '../events/metadata.js';
import type { RecordedEvent } from '../store/recordedEvent.js';
import type { StreamKey } from '../streams/index.js';

/** What `createEventStore({ telemetry })` takes. */
export interface Telemetry {
  /**
   * Called once per store given this telemetry; the stores derived from it (`forTenant`,
   * `withTransaction`), its consumers and its relays share what it returns.
   */
  instrument(store: InstrumentedStore): StoreTelemetry;
}

/** The store being instrumented. */
export interface InstrumentedStore {
  readonly backend: Pick<EventStoreBackend<unknown>, 'name' | 'dialect'>;
}

/** An append about to run. */
export interface AppendOperation {
  readonly stream: StreamKey;
  /** How many events it appends. */
  readonly events: number;
  readonly expectedVersion: ExpectedVersion;
}

/** What an append's hook can read of its result. */
export interface AppendedSummary {
  /** The stream's version after the append. */
  readonly nextExpectedVersion: number;
  /** The global position of its last event. */
  readonly lastPosition: bigint;
}

/** A read of the global log (`store.readAll`) about to run. */
export interface LogReadOperation {
  readonly filter: LogFilter;
  readonly after: LogPosition;
  readonly limit: number;
}

/** A consumer batch's handling of the events it read. */
export interface BatchTelemetry {
  /** Runs the consumer's handler over `events` (read from the log, in order). */
  handle<T>(events: readonly RecordedEvent[], handler: () => Promise<T>): Promise<T>;
}

/** A running consumer, observed until it stops. */
export interface ObservedConsumer {
  readonly key: ConsumerKey;
  status(): Promise<ConsumerStatus>;
}

/** A running outbox relay, observed until it stops. */
export interface ObservedRelay {
  /** The tenant whose rows it relays; undefined: every tenant's. */
  readonly tenant: string | undefined;
  status(): Promise<OutboxCounts>;
}

/** The hooks of one instrumented store. */
export interface StoreTelemetry {
  /**
   * Runs one append, from its checks to its commit. `work` takes the metadata to store with each
   * of its events over the caller's (the append's trace context), or undefined for none.
   */
  append<R extends AppendedSummary>(
    append: AppendOperation,
    work: (metadata: EventMetadata | undefined) => Promise<R>,
  ): Promise<R>;
  /** Runs one `readStream`: `work` resolves to the events read. */
  readStream<R extends readonly unknown[]>(stream: StreamKey, work: () => Promise<R>): Promise<R>;
  /** Runs one `readAll`: `work` resolves to the page read. */
  readLog<R extends { readonly events: readonly unknown[] }>(
    read: LogReadOperation,
    work: () => Promise<R>,
  ): Promise<R>;
  /**
   * Runs one consumer batch, from its claim to its commit; once the batch has read events it
   * runs its handler through `batch.handle`. An idle batch calls no `handle`.
   */
  consumerBatch(consumer: ConsumerKey, work: (batch: BatchTelemetry) => Promise<BatchOutcome>): Promise<BatchOutcome>;
  /** Runs one relay's publish of one event (`attempt`: 1 for the first). */
  relayPublish(event: RecordedEvent, attempt: number, work: () => Promise<void>): Promise<void>;
  /**
   * A consumer instance took the consumer's lease over from `previousOwner`, whose lease had run
   * out. Consumers look up the previous holder before taking a lease only where this is given.
   */
  leaseTakenOver?(consumer: ConsumerKey, previousOwner: string): void;
  /** A consumer started: observe it until the returned function is called (when it stops). */
  observeConsumer(consumer: ObservedConsumer): () => void;
  /** A relay started: observe it until the returned function is called (when it stops). */
  observeRelay(relay: ObservedRelay): () => void;
}

const unobserve = () => {};
const untracedBatch: BatchTelemetry = { handle: (_events, handler) => handler() };

/** The store's hooks when it is given no telemetry: each runs its work, and nothing else. */
export const NO_TELEMETRY: StoreTelemetry = Object.freeze<StoreTelemetry>({
  append: (_append, work) => work(undefined),
  readStream: (_stream, work) => work(),
  readLog: (_read, work) => work(),
  consumerBatch: (_consumer, work) => work(untracedBatch),
  relayPublish: (_event, _attempt, work) => work(),
  observeConsumer: () => unobserve,
  observeRelay: () => unobserve,
});
