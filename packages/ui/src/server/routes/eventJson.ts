import type { LogPosition, RecordedEvent, UnknownRecordedEvent } from '@es/core';
import type { EventJson, Json, LogCursor } from '../../api/contract.js';
import { badRequest } from '../http/errors.js';
import type { AnyStore } from '../operator/application.js';

/** A log position as the API passes it: `<transactionId>:<position>`. */
export const formatCursor = (position: LogPosition): LogCursor => `${position.transactionId}:${position.position}`;

export function parseCursor(text: string, name = 'after'): LogPosition {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(text);
  if (!match)
    throw badRequest(`${name} must be a log cursor (<transactionId>:<position>); got ${JSON.stringify(text)}`);
  return { transactionId: BigInt(match[1] as string), position: BigInt(match[2] as string) };
}

/** What a masked personal field shows instead of its value. */
export const PERSONAL_MASK = '[personal]';

/** How the browser shows personal fields: masked (the default) or as they read. */
export type PersonalDataView = 'masked' | 'visible';

/** Turns a recorded event into the API's form (see `eventPresenter`). */
export type EventPresenter = (event: RecordedEvent | UnknownRecordedEvent) => EventJson;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Events as the API returns them. Data and metadata stay as the store revived them (the response
 * writer turns dates, bigints, maps and sets into JSON: http/respond.ts), except personal fields
 * (declared with `personal(...)`) when `personalData` is 'masked': a value there is replaced by
 * `[personal]` before it leaves the server. Fields whose key was forgotten read as their declared
 * erased value and are listed in `erased`, masked or not.
 */
export function eventPresenter(store: AnyStore, personalData: PersonalDataView): EventPresenter {
  return (event) => {
    const { data, masked } =
      personalData === 'masked'
        ? maskPersonal(event, store.personalFields(event.type))
        : { data: event.data, masked: [] };
    const erased = event.erased ?? [];
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
      data: data as Json,
      metadata: event.metadata as EventJson['metadata'],
      ...(erased.length > 0 && { erased: [...erased] }),
      ...(masked.length > 0 && { masked }),
    };
  };
}

/** The event's data with each declared personal field that holds a value (and was not erased) masked. */
function maskPersonal(
  event: RecordedEvent | UnknownRecordedEvent,
  fields: Readonly<Record<string, unknown>> | undefined,
): { data: unknown; masked: string[] } {
  if (!fields || !isRecord(event.data) || 'unknownType' in event) return { data: event.data, masked: [] };
  const erased = new Set(event.erased ?? []);
  const data = { ...event.data };
  const masked: string[] = [];
  for (const field of Object.keys(fields)) {
    // null and undefined are not encrypted (nothing to protect); an erased value is not personal.
    if (data[field] === undefined || data[field] === null || erased.has(field)) continue;
    data[field] = PERSONAL_MASK;
    masked.push(field);
  }
  return { data, masked };
}
