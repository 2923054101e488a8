import { createMemoryBackend, type MemoryBackend, type MemoryTransaction } from '@es/core';
import type { ConformanceTarget } from './target.js';

/** The memory backend's clock plays the database's: real time, whatever a test does to `Date`. */
const databaseClock = () => new Date(performance.timeOrigin + performance.now());

/** The in-memory backend as a conformance target: the kit's reference row. */
export function memoryTarget(): ConformanceTarget<MemoryTransaction> {
  let backend: MemoryBackend = createMemoryBackend({ clock: databaseClock });
  let hostRows: string[] = [];
  return {
    backend: 'memory',
    dialect: 'memory',
    async setup() {},
    backendInstance: () => backend,
    async reset() {
      backend = createMemoryBackend({ clock: databaseClock });
      hostRows = [];
    },
    async countRows() {
      return backend.counts();
    },
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
