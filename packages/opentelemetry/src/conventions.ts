/**
 * The attribute names spans and metrics carry: OpenTelemetry's semantic conventions for databases
 * (`db.*`, stable) and messaging (`messaging.*`) where they apply, and the store's own under `es.`.
 */
import { EsError } from '@es/core';

export const ATTR = {
  dbSystemName: 'db.system.name',
  dbOperationName: 'db.operation.name',
  dbCollectionName: 'db.collection.name',
  dbReturnedRows: 'db.response.returned_rows',
  errorType: 'error.type',
  messagingSystem: 'messaging.system',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingBatchCount: 'messaging.batch.message_count',
  messagingMessageId: 'messaging.message.id',
  tenant: 'es.tenant',
  category: 'es.stream.category',
  streamId: 'es.stream.id',
  eventCount: 'es.event.count',
  eventType: 'es.event.type',
  expectedVersion: 'es.append.expected_version',
  streamVersion: 'es.stream.version',
  position: 'es.log.position',
  appendOutcome: 'es.append.outcome',
  consumerName: 'es.consumer.name',
  batchOutcome: 'es.consumer.batch.outcome',
  publishOutcome: 'es.outbox.publish.outcome',
  attempt: 'es.outbox.attempt',
} as const;

/** `db.system.name` of a backend's dialect (the registry's names; the memory backend keeps its own). */
export function dbSystemName(dialect: string): string {
  switch (dialect) {
    case 'postgres':
      return 'postgresql';
    case 'mysql':
      return 'mysql';
    case 'sqlite':
      return 'sqlite';
    default:
      return dialect;
  }
}

/** `error.type`: a library error's stable code (`CONCURRENCY`, `STORE` ...), else the error's class. */
export function errorType(error: unknown): string {
  if (error instanceof EsError) return error.code;
  if (error instanceof Error) return error.name;
  return '_OTHER';
}

/** Log positions fit a double for the next few million years of appends; attributes take numbers. */
export const positionValue = (position: bigint): number => Number(position);
