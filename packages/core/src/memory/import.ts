import type { ImportSession } from '../backend/index.js';
import type { MemoryScope } from './state.js';
import { appendEvents } from './streams.js';

/** A batch is the appends of its streams, undone together when one fails. */
export function memoryImport(scope: MemoryScope): ImportSession {
  const { handle, joined } = scope;
  return {
    async importBatch(request) {
      // Our own transaction rolls back whole; inside the host's, only this batch is undone.
      const rollbackToSavepoint = joined ? handle?.savepoint() : undefined;
      try {
        const outcomes = [];
        for (const { stream, expectedVersion, events } of request.streams) {
          const append = { stream, expectedVersion, events, recordedAt: request.recordedAt, callerEventIds: false };
          outcomes.push(await appendEvents(scope, append));
        }
        return outcomes;
      } catch (error) {
        rollbackToSavepoint?.();
        throw error;
      }
    },
  };
}
