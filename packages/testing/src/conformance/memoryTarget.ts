import {
  createMemoryBackend,
  type EventStoreBackend,
  formatStreamKey,
  type MemoryBackend,
  type MemoryTransaction,
  type StreamKey,
} from '@es/core';
import type { ConformanceTarget, StoredRows } from './target.js';

/** The memory backend's clock plays the database's: real time, whatever a test does to `Date`. */
const databaseClock = () => new Date(performance.timeOrigin + performance.now());

/** The in-memory backend as a conformance target: the kit's reference row. */
export function memoryTarget(): ConformanceTarget<MemoryTransaction> {
  let backend: MemoryBackend = createMemoryBackend({ clock: databaseClock });
  let inspected = inspectable(backend);
  let hostRows: string[] = [];
  return {
    backend: 'memory',
    dialect: 'memory',
    async setup() {},
    backendInstance: () => inspected.backend,
    async reset() {
      backend = createMemoryBackend({ clock: databaseClock });
      inspected = inspectable(backend);
      hostRows = [];
    },
    async countRows() {
      return backend.counts();
    },
    storedRows: async () => inspected.storedRows(),
    editStoredEvents: async (stream, edit) => inspected.editStoredEvents(stream, edit),
    hostTransaction: (work) => backend.runInTransaction(work),
    async writeHostRow(transaction, id) {
      transaction.assertOpen();
      transaction.afterCommit(() => hostRows.push(id));
    },
    async clearHostRows(transaction) {
      transaction.afterCommit(() => {
        hostRows = [];
      });
    },
    async hostRowIds() {
      return [...hostRows];
    },
    async teardown() {},
  };
}

/** A stored event as the memory backend's readers return it (data: JSON text). */
interface EventLike {
  readonly eventId: string;
  readonly data: string;
}

const isEventLike = (value: unknown): value is EventLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { eventId?: unknown }).eventId === 'string' &&
  typeof (value as { data?: unknown }).data === 'string';

/** An event the store handed the backend to write, with the stream it went to. */
interface WrittenEvent extends EventLike {
  readonly stream: StreamKey;
}

/**
 * The memory backend seen from outside, as raw SQL sees a database: it has no tables to read, so
 * it records what the store hands it to write (the events of each append, each snapshot, each
 * data key inserted); a stored event rewritten around the library is played by replacing its
 * data on its way out of every read.
 */
function inspectable(backend: MemoryBackend) {
  const events: WrittenEvent[] = [];
  const snapshots: string[] = [];
  const dataKeys: string[] = [];
  /** Rewritten data by event id. */
  const rewritten = new Map<string, string>();

  /** A read's result with rewritten events' data replaced: an event, a list, a page's events, an entry's event. */
  const edited = (value: unknown): unknown => {
    if (rewritten.size === 0 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(edited);
    if (isEventLike(value)) {
      const data = rewritten.get(value.eventId);
      return data === undefined ? value : { ...value, data };
    }
    if ('events' in value && Array.isArray(value.events)) return { ...value, events: value.events.map(edited) };
    if ('event' in value && isEventLike(value.event)) return { ...value, event: edited(value.event) };
    return value;
  };

  const record = (method: string, args: unknown[], result: unknown) => {
    if (method === 'append') {
      const request = args[0] as { stream: StreamKey; events: readonly EventLike[] };
      events.push(...request.events.map((event) => ({ stream: request.stream, ...event })));
    } else if (method === 'saveSnapshot') {
      snapshots.push(rowText(args[0]));
    } else if (method === 'insertDataKey' && result !== false) {
      dataKeys.push(rowText(args[0]));
    }
  };

  const inspectedSession = <S extends object>(session: S): S =>
    new Proxy(session, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function' || typeof key !== 'string') return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          const settle = (settled: unknown) => {
            record(key, args, settled);
            return edited(settled);
          };
          return result instanceof Promise ? result.then(settle) : settle(result);
        };
      },
    });

  const inspectedBackend: EventStoreBackend<MemoryTransaction> = {
    ...backend,
    transaction: (work, options) => backend.transaction((session) => work(inspectedSession(session)), options),
    read: (work, options) => backend.read((session) => work(inspectedSession(session)), options),
  };

  const stored = (event: WrittenEvent): WrittenEvent => ({
    ...event,
    data: rewritten.get(event.eventId) ?? event.data,
  });

  return {
    backend: inspectedBackend,
    storedRows: (): StoredRows => ({
      events: events.map((event) => rowText(stored(event))),
      snapshots: [...snapshots],
      dataKeys: [...dataKeys],
    }),
    editStoredEvents(stream: StreamKey, edit: (data: string) => string): number {
      const key = formatStreamKey(stream);
      const inStream = events.filter((event) => formatStreamKey(event.stream) === key);
      for (const event of inStream) rewritten.set(event.eventId, edit(stored(event).data));
      return inStream.length;
    },
  };
}

const rowText = (value: unknown) =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
