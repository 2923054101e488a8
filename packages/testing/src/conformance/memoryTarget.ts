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

/** What a stored event looks like to the memory backend's readers (data: JSON text). */
interface EventLike {
  readonly stream: StreamKey;
  readonly data: string;
}

const isEventLike = (value: unknown): value is EventLike =>
  typeof value === 'object' &&
  value !== null &&
  'eventId' in value &&
  'stream' in value &&
  typeof (value as { data?: unknown }).data === 'string';

/**
 * The memory backend seen from outside, as raw SQL sees a database: it has no tables to read, so
 * it records what the store hands it to write (the events of each append, each snapshot, each
 * data key inserted), and it plays a stored event rewritten around the library by rewriting that
 * stream's events on their way out of every read.
 */
function inspectable(backend: MemoryBackend) {
  const written: Record<string, string[]> = { events: [], snapshots: [], dataKeys: [] };
  const edits = new Map<string, (data: string) => string>();

  /** A read's result with the rewritten streams' events rewritten: its events, or an entry's event. */
  const edited = (value: unknown): unknown => {
    if (edits.size === 0) return value;
    if (Array.isArray(value)) return value.map(edited);
    if (isEventLike(value)) {
      const edit = edits.get(formatStreamKey(value.stream));
      return edit ? { ...value, data: edit(value.data) } : value;
    }
    if (typeof value !== 'object' || value === null) return value;
    if ('events' in value && Array.isArray(value.events)) return { ...value, events: value.events.map(edited) };
    if ('event' in value && isEventLike(value.event)) return { ...value, event: edited(value.event) };
    return value;
  };

  const record = (method: string, args: unknown[], result: unknown) => {
    if (method === 'append') {
      const { stream, events } = args[0] as { stream: StreamKey; events: readonly object[] };
      written.events?.push(...events.map((event) => rowText({ stream, ...event })));
    } else if (method === 'saveSnapshot') {
      written.snapshots?.push(rowText(args[0]));
    } else if (method === 'insertDataKey' && result !== false) {
      written.dataKeys?.push(rowText(args[0]));
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

  return {
    backend: inspectedBackend,
    storedRows: (): StoredRows => ({ ...written }),
    editStoredEvents(stream: StreamKey, edit: (data: string) => string): number {
      const key = formatStreamKey(stream);
      const before = edits.get(key);
      edits.set(key, before ? (data) => edit(before(data)) : edit);
      return (written.events ?? []).filter(
        (event) => formatStreamKey((JSON.parse(event) as { stream: StreamKey }).stream) === key,
      ).length;
    },
  };
}

const rowText = (value: unknown) =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
