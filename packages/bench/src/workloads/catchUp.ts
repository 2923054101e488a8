import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { timeBatches, withPeakMemory } from '../measure.ts';
import { seed, type Workload } from './workload.ts';

setFlagsFromString('--expose-gc');
/** A full GC before measuring, so the heap growth reflects this workload rather than garbage left by earlier ones. */
const collectGarbage = runInNewContext('gc') as () => void;

/** (6) A checkpointed consumer catching up on the whole log from the start. */
export const catchUp: Workload = {
  name: 'catch-up',
  description: 'a consumer catching up on 100,000 events',
  supports: (system) => system.catchUp !== undefined,
  async run(system, sizes) {
    const consume = system.catchUp?.bind(system);
    if (!consume) throw new Error(`${system.name} has no consumer`);
    await seed(system.append, 'log', sizes.catchUpEvents, {
      batch: sizes.batchSize,
      streams: Math.max(1, sizes.catchUpEvents / 1_000),
    });
    await system.analyze();
    collectGarbage();
    const measurement = await withPeakMemory(() =>
      timeBatches((onBatch) => consume(sizes.catchUpBatch, sizes.catchUpEvents, onBatch)),
    );
    if (measurement.events !== sizes.catchUpEvents) {
      throw new Error(`${system.name} consumed ${measurement.events} of ${sizes.catchUpEvents} events`);
    }
    return measurement;
  },
};
