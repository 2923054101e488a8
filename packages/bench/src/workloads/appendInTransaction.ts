import { deposits } from '../fixtures.ts';
import { timeOperations } from '../measure.ts';
import { type Workload, warmUpCount } from './workload.ts';

/**
 * (1b) The production path of (1): each single-event append inside a transaction the application
 * opened through its ORM, which the store joins and never commits (BEGIN, the append, COMMIT).
 */
export const appendInTransaction: Workload = {
  name: 'append-in-transaction',
  description: "single-event appends inside the application's own transaction, one writer",
  supports: (system) => system.appendInTransaction !== undefined,
  async run(system, sizes) {
    const append = system.appendInTransaction?.bind(system);
    if (!append) throw new Error(`${system.name} cannot append inside a transaction`);
    const event = deposits(1);
    await timeOperations(warmUpCount(sizes, sizes.appendSingle), 1, async (index) => {
      await append('warm', event, index);
      return 1;
    });
    return timeOperations(sizes.appendSingle, 1, async (index) => {
      await append('in-transaction', event, index);
      return 1;
    });
  },
};
