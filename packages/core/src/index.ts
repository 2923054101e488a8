// `@es/core`: what an application uses. Each name is chosen here on purpose (api/index.api.md
// shows the result, and `./dev test` fails when it changes unreviewed). What a storage backend
// implements is `@es/core/backend`; the SQL every ORM package runs is `@es/core/sql`; what broker
// packages share is `@es/core/brokers`.

// Aggregates and deciders
export * from './aggregates/index.js';
// The store
export type { EventStoreBackend } from './backend/backend.js';
// The global log
export { compareLogPositions, LOG_START, type LogPosition, type OldestTransaction } from './backend/log.js';
// The outbox relay
export type { OutboxCounts } from './backend/outbox.js';
export type { CategorySummary, ExpectedVersion, StreamSummary } from './backend/streams.js';
// Consumers and projections
export {
  CONSUMER_NAME_MAX_LENGTH,
  Consumer,
  createConsumer,
  PARTITIONED_CONSUMER_NAME_MAX_LENGTH,
} from './consumers/consumer.js';
export {
  ConsumerHaltedError,
  ConsumerHeldError,
  ConsumerPartitionsChangedError,
  ConsumerTimeoutError,
} from './consumers/errors.js';
export type { ConsumerFailurePolicy } from './consumers/failures.js';
export type {
  BatchOutcome,
  ConsumerInstance,
  ConsumerOptions,
  ConsumerStatus,
  ParkedSummary,
  PartitionStatus,
} from './consumers/options.js';
export type { ParkedView } from './consumers/partitions/partitioned.js';
export { PARTITIONS_RANGE, partitionOf } from './consumers/partitions/partitionOf.js';
// Dynamic consistency boundaries
export * from './dcb/index.js';
// Errors
export * from './errors/index.js';
// Events
export {
  type AnyEventDefinition,
  type CreateEventOptions,
  type DefineEventOptions,
  type DomainEvent,
  defineEvent,
  EVENT_TYPE_MAX_LENGTH,
  type EventDefinition,
  type EventInputOf,
  type EventOf,
  type EventTypeOf,
  type Upcaster,
} from './events/defineEvent.js';
export { causedBy, type EventMetadata } from './events/metadata.js';
// Ids
export { isUuid, uuidv7 } from './ids/uuid.js';
export {
  DEFAULT_IMPORT_BATCH_SIZE,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportSource,
  type ImportStream,
} from './import/importEvents.js';
// The in-memory backend
export { createMemoryBackend, type MemoryBackend, type MemoryBackendOptions } from './memory/memoryBackend.js';
export type { MemoryTransaction } from './memory/state.js';
export * from './outbox/index.js';
// Personal data (crypto-shredding)
export * from './personal/index.js';
export type { TransactionContext } from './store/ambient.js';
export { createEventStore, EventStore } from './store/eventStore.js';
export { DEFAULT_LIMITS, type StoreLimits } from './store/limits.js';
export type {
  AppendEventsOptions,
  AppendEventsResult,
  AppendOptions,
  AppendResult,
  EventStoreOptions,
  InlineProjection,
  ListCategoriesOptions,
  ListCategoriesResult,
  ListStreamsOptions,
  ListStreamsResult,
  ProjectionContext,
  ReadAllOptions,
  ReadAllResult,
  ReadEventOptions,
  ReadQueryOptions,
  ReadStreamOptions,
  Snapshot,
  SnapshotPersonalFields,
} from './store/options.js';
export type { ReadEventOf, RecordedEvent, RecordedEventOf, UnknownRecordedEvent } from './store/recordedEvent.js';
// Streams
export {
  DEFAULT_TENANT,
  formatStreamKey,
  STREAM_LIMITS,
  type StreamKey,
  type StreamName,
  stream,
} from './streams/stream.js';
// Telemetry (what an instrumentation implements is `@es/core/telemetry`)
export type { Telemetry } from './telemetry/telemetry.js';
export { OWNER_MAX_LENGTH } from './util/owner.js';
