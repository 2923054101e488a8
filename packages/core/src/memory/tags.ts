import type { AppendConditionToCheck, LogPosition, StoredEvent, TagSession } from '../backend/index.js';
import { describeQuery, queryMatches, type TenantQuery } from '../dcb/query.js';
import { AppendConditionFailedError } from '../errors/index.js';
import { cloneEvents, type MemoryScope, type State } from './state.js';

const matching = (query: TenantQuery) => (event: StoredEvent) =>
  queryMatches(query, event.stream.tenant, event.type, event.tags);

/** Reading by query. One writer at a time and positions given in commit order: nothing is held back. */
export function memoryTags(scope: MemoryScope): TagSession {
  return {
    async readQuery({ query, after, limit }) {
      const matches = matching(query);
      const events: StoredEvent[] = [];
      let next: LogPosition = { transactionId: 0n, position: scope.state.events.at(-1)?.position ?? after.position };
      for (const event of scope.state.events) {
        if (event.position <= after.position || !matches(event)) continue;
        events.push(event);
        if (events.length >= limit) {
          next = { transactionId: 0n, position: event.position };
          break;
        }
      }
      if (next.position < after.position) next = after;
      return { events: cloneEvents(events), next };
    },
  };
}

/** Throws when an event matching the condition's query exists after its position (the writer's lock is held). */
export function checkCondition(state: State, condition: AppendConditionToCheck): void {
  const after = condition.after?.position ?? 0n;
  const matches = matching(condition.query);
  if (state.events.some((event) => event.position > after && matches(event))) {
    throw new AppendConditionFailedError(describeQuery(condition.query), condition.after);
  }
}
