import { defineWorkload, seedAndAnalyze, timeAfterWarmUp } from './workload.ts';

/** (4) Reads of one 1,000-event stream, forwards, whole. */
export const readStream = defineWorkload({
  name: 'read-stream',
  description: 'read a 1,000-event stream',
  uses: (system) => system.readStream.bind(system),
  async run(readWhole, system, sizes) {
    const length = sizes.streamLength;
    await seedAndAnalyze(system, sizes, { prefix: 'read', total: length, streams: 1 });
    const read = async () => {
      const count = await readWhole('read-0');
      if (count !== length) throw new Error(`${system.name} read ${count} of ${length} events`);
      return count;
    };
    return timeAfterWarmUp(sizes, sizes.streamReads, 1, read);
  },
});
