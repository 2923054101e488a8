import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { timeBatches, withPeakMemory } from '../measure.ts';
import { defineWorkload, seedAndAnalyze } from './workload.ts';

setFlagsFromString('--expose-gc');
/** A full GC before measuring, so the heap growth reflects this workload rather than garbage left by earlier ones. */
const collectGarbage = runInNewContext('gc') as () => void;

/** (6) A checkpointed consumer catching up on the whole log from the start. */
export const catchUp = defineWorkload({
  name: 'catch-up',
  description: 'a consumer catching up on 100,000 events',
  uses: (system) => system.catchUp?.bind(system),
  async run(consume, system, sizes) {
    const total = sizes.catchUpEvents;
    await seedAndAnalyze(system, sizes, { prefix: 'log', total, streams: Math.max(1, total / 1_000) });
    collectGarbage();
    const measurement = await withPeakMemory(() =>
      timeBatches((onBatch) => consume(sizes.catchUpBatch, total, onBatch)),
    );
    if (measurement.events !== total) {
      throw new Error(`${system.name} consumed ${measurement.events} of ${total} events`);
    }
    return measurement;
  },
});
