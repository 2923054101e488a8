import type { LogPosition, RecordedEvent, UnknownRecordedEvent } from '@es/core';
import type { EventJson, Json, LogCursor } from '../../api/contract.js';
import { badRequest } from '../http/errors.js';

/** A log position as the API passes it: `<transactionId>:<position>`. */
export const formatCursor = (position: LogPosition): LogCursor => `${position.transactionId}:${position.position}`;

export function parseCursor(text: string, name = 'after'): LogPosition {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(text);
  if (!match)
    throw badRequest(`${name} must be a log cursor (<transactionId>:<position>); got ${JSON.stringify(text)}`);
  return { transactionId: BigInt(match[1] as string), position: BigInt(match[2] as string) };
}

/**
 * An event as the API returns it. Data and metadata stay as the store revived them: the response
 * writer turns dates, bigints, maps and sets into JSON (http/respond.ts).
 */
export function eventJson(event: RecordedEvent | UnknownRecordedEvent): EventJson {
  return {
    eventId: event.id,
    type: event.type,
    stream: { ...event.stream },
    version: event.version,
    position: String(event.position),
    transactionId: String(event.transactionId),
    cursor: formatCursor({ transactionId: event.transactionId, position: event.position }),
    recordedAt: event.recordedAt.toISOString(),
    schemaVersion: event.storedSchemaVersion,
    unknownType: 'unknownType' in event,
    data: event.data as Json,
    metadata: event.metadata as EventJson['metadata'],
  };
}
