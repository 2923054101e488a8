import { deposits } from '../fixtures.ts';
import { timeOperations } from '../measure.ts';
import { type Workload, warmUpCount } from './workload.ts';

/** (1) One event per append, one writer, one transaction each, on one growing stream. */
export const appendSingle: Workload = {
  name: 'append-single',
  description: 'single-event appends, one writer, one transaction each',
  supports: () => true,
  async run(system, sizes) {
    const event = deposits(1);
    const warm = warmUpCount(sizes, sizes.appendSingle);
    await timeOperations(warm, 1, async (index) => {
      await system.append('warm', event, index);
      return 1;
    });
    return timeOperations(sizes.appendSingle, 1, async (index) => {
      await system.append('single', event, index);
      return 1;
    });
  },
};
