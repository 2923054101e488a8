import type { LogFilter, LogPosition, LogSession, StoredEvent } from '../backend/index.js';
import { cloneEvents, type MemoryScope } from './state.js';

const matches = (event: StoredEvent, filter: LogFilter) =>
  (filter.tenant === undefined || event.stream.tenant === filter.tenant) &&
  (!filter.categories || filter.categories.includes(event.stream.category)) &&
  (!filter.types || filter.types.includes(event.type));

/** The global log. One writer at a time and positions given at append: the log is the events in
 * position order, and nothing is ever held back. */
export function memoryLog(scope: MemoryScope): LogSession {
  const logHead = async (): Promise<LogPosition> => ({
    transactionId: 0n,
    position: scope.state.events.at(-1)?.position ?? 0n,
  });
  return {
    async readLog(query) {
      const events: StoredEvent[] = [];
      let scanned = query.after.position;
      for (const event of scope.state.events) {
        if (event.position <= query.after.position) continue;
        scanned = event.position;
        if (!matches(event, query.filter)) continue;
        events.push(event);
        if (events.length >= query.limit) break;
      }
      return { events: cloneEvents(events), next: { transactionId: 0n, position: scanned } };
    },
    logHead,
    // One writer at a time: the last committed event is the head.
    logEnd: logHead,
    async logPositionAt(position) {
      return { transactionId: 0n, position };
    },
    async countLog(after, filter) {
      return scope.state.events.filter((event) => event.position > after.position && matches(event, filter)).length;
    },
    async oldestOpenTransaction() {
      return undefined;
    },
  };
}
