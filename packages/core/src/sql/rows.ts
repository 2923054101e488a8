import type { StoredEvent, StoredSnapshot } from '../backend/index.js';
import { sortTags, TAG_SEPARATOR } from '../dcb/tags.js';
import { StoreError } from '../errors/index.js';
import type { StreamKey } from '../streams/index.js';

/** Drivers return BIGINT as string, number or bigint, times as Date or text: these normalise
 * each column once, whatever the ORM underneath. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  throw new StoreError(`expected an integer column, got ${typeof value}`);
}

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

const utf8 = new TextDecoder();

/**
 * A JSON column selected as text (the dialect's `selectJson`): a driver given a JSON type parses
 * it, and the parse of a JSON string cannot be told from JSON text. Some drivers hand text back
 * as bytes; SQLite, in a column of numeric affinity, JSON that is a number as that number.
 */
export function toJsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new StoreError(`expected a JSON column selected as text, got ${value === null ? 'null' : typeof value}`);
}

/** Times are written and read as UTC text or epoch milliseconds: never through a driver's idea
 * of the local time zone. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') return new Date(isoMilliseconds(value) ?? textMilliseconds(value));
  throw new StoreError(`expected a time column, got ${typeof value}`);
}

/** The last ISO text read and its time: the events of one append share theirs, and a read meets them in a row. */
let lastIso = '';
let lastIsoMilliseconds = 0;

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ`, as SQLite's columns hold `toISOString()`, read digit by digit: a
 * read parses one per event, and `Date`'s own parse of the text costs several times more.
 * Anything else: undefined.
 */
function isoMilliseconds(text: string): number | undefined {
  if (text === lastIso) return lastIsoMilliseconds;
  if (text.length !== 24 || text.charCodeAt(10) !== 84 /* T */ || text.charCodeAt(23) !== 90 /* Z */) return undefined;
  const digits = (from: number, to: number) => {
    let value = 0;
    for (let index = from; index < to; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) return Number.NaN;
      value = value * 10 + digit;
    }
    return value;
  };
  const year = digits(0, 4);
  const month = digits(5, 7);
  const day = digits(8, 10);
  const hours = digits(11, 13);
  const minutes = digits(14, 16);
  const seconds = digits(17, 19);
  // Date.UTC maps years 0-99 to 1900-1999 and rolls fields over: those, and any other shape, are left to Date's parse.
  const inRange =
    year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hours < 24 && minutes < 60 && seconds < 60;
  const separated = text[4] === '-' && text[7] === '-' && text[13] === ':' && text[16] === ':' && text[19] === '.';
  if (!inRange || !separated) return undefined;
  const milliseconds = Date.UTC(year, month - 1, day, hours, minutes, seconds, digits(20, 23));
  if (Number.isNaN(milliseconds)) return undefined;
  lastIso = text;
  lastIsoMilliseconds = milliseconds;
  return milliseconds;
}

/** Epoch milliseconds as text, or a time text with or without its `T` and zone (UTC when none). */
function textMilliseconds(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`).getTime();
}

export interface EventRow {
  position: unknown;
  transaction_id?: unknown;
  event_id: unknown;
  /** Absent from a stream read: the query has them. */
  tenant_id?: unknown;
  category?: unknown;
  stream_id?: unknown;
  stream_version: unknown;
  type: unknown;
  schema_version: unknown;
  data: unknown;
  metadata: unknown;
  recorded_at: unknown;
  /** See `eventColumns`: joined by `TAG_SEPARATOR`, NULL for none. */
  tags?: unknown;
}

/** `stream`: the stream a stream read asked for, whose key columns it then need not select. */
export function toStoredEvent(row: EventRow, stream?: StreamKey): StoredEvent {
  return storedEvent(row, stream, toDate(row.recorded_at));
}

/**
 * A read's rows as stored events. Consecutive events recorded at the same time (one append's)
 * share one `Date`, as an append's recorded events share theirs: a read of many events makes one
 * per append, not one per event.
 */
export function toStoredEvents(rows: readonly EventRow[], stream?: StreamKey): StoredEvent[] {
  const events = new Array<StoredEvent>(rows.length);
  let lastTime: unknown;
  let lastDate: Date | undefined;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as EventRow;
    if (lastDate === undefined || row.recorded_at !== lastTime) {
      lastTime = row.recorded_at;
      lastDate = toDate(lastTime);
    }
    events[index] = storedEvent(row, stream, lastDate);
  }
  return events;
}

function storedEvent(row: EventRow, stream: StreamKey | undefined, recordedAt: Date): StoredEvent {
  return {
    position: toBigInt(row.position),
    transactionId: row.transaction_id === undefined || row.transaction_id === null ? 0n : toBigInt(row.transaction_id),
    eventId: String(row.event_id),
    // Shared by the read's events, as an append's recorded events share theirs.
    stream: stream ?? { tenant: String(row.tenant_id), category: String(row.category), id: String(row.stream_id) },
    version: toNumber(row.stream_version),
    type: String(row.type),
    schemaVersion: toNumber(row.schema_version),
    data: toJsonText(row.data),
    metadata: toJsonText(row.metadata),
    recordedAt,
    tags: toTags(row.tags),
  };
}

/** The tags of an event that has none: one frozen list, since most events have none. */
const NO_TAGS: readonly string[] = Object.freeze([]);

/** An event's tags as `eventColumns` selects them: their count, then each, joined by `TAG_SEPARATOR`. */
function toTags(value: unknown): readonly string[] {
  if (value === null || value === undefined) return NO_TAGS;
  const [count, ...tags] = toJsonText(value).split(TAG_SEPARATOR);
  if (tags.length !== Number(count)) {
    throw new StoreError(
      `an event's tags were cut short (${count} stored, ${tags.length} read): raise MySQL's group_concat_max_len`,
    );
  }
  return sortTags(tags);
}

export interface SnapshotRow {
  tenant_id: unknown;
  category: unknown;
  stream_id: unknown;
  version: unknown;
  schema_version: unknown;
  state: unknown;
  taken_at: unknown;
}

export function toStoredSnapshot(row: SnapshotRow): StoredSnapshot {
  return {
    stream: { tenant: String(row.tenant_id), category: String(row.category), id: String(row.stream_id) },
    version: toNumber(row.version),
    schemaVersion: toNumber(row.schema_version),
    state: toJsonText(row.state),
    takenAt: toDate(row.taken_at),
  };
}
