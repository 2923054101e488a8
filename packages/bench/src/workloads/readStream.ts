import { timeOperations } from '../measure.ts';
import { seed, type Workload, warmUpCount } from './workload.ts';

/** (4) Reads of one 1,000-event stream, forwards, whole. */
export const readStream: Workload = {
  name: 'read-stream',
  description: 'read a 1,000-event stream',
  supports: () => true,
  async run(system, sizes) {
    await seed(system.append, 'read', sizes.streamLength, { batch: sizes.batchSize, streams: 1 });
    await system.analyze();
    const read = async () => {
      const count = await system.readStream('read-0');
      if (count !== sizes.streamLength) throw new Error(`${system.name} read ${count} of ${sizes.streamLength} events`);
      return count;
    };
    await timeOperations(warmUpCount(sizes, sizes.streamReads), 1, read);
    return timeOperations(sizes.streamReads, 1, read);
  },
};
