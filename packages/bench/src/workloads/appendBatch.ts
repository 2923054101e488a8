import { deposits } from '../fixtures.ts';
import { defineWorkload, timeAfterWarmUp } from './workload.ts';

/** (3) 100-event appends, one writer, each to a new stream. */
export const appendBatch = defineWorkload({
  name: 'append-batch',
  description: '100-event batch appends, one writer',
  uses: (system) => system.append.bind(system),
  async run(append, _system, sizes) {
    const batch = deposits(sizes.batchSize);
    const appendNew = (prefix: string) => async (index: number) => {
      await append(`${prefix}-${index}`, batch, 0);
      return batch.length;
    };
    return timeAfterWarmUp(sizes, sizes.batchAppends, 1, appendNew('warm'), appendNew('batch'));
  },
});
