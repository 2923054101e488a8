import { timeBatches } from '../measure.ts';
import { defineWorkload, seedAndAnalyze } from './workload.ts';

/** (7) The outbox relay draining pending rows to a no-op publisher. */
export const outboxDrain = defineWorkload({
  name: 'outbox-drain',
  description: 'the outbox relay draining 10,000 rows',
  uses: (system) => system.outbox,
  async run(outbox, system, sizes) {
    await seedAndAnalyze(system, sizes, {
      prefix: 'outbox',
      total: sizes.outboxRows,
      streams: Math.max(1, sizes.outboxRows / 100),
      append: outbox.append,
    });
    const measurement = await timeBatches((onBatch) => outbox.drain(sizes.outboxBatch, onBatch));
    if (measurement.events !== sizes.outboxRows) {
      throw new Error(`${system.name} relayed ${measurement.events} of ${sizes.outboxRows} rows`);
    }
    return measurement;
  },
});
