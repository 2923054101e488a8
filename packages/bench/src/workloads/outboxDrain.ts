import { timeBatches } from '../measure.ts';
import { seed, type Workload } from './workload.ts';

/** (7) The outbox relay draining pending rows to a no-op publisher. */
export const outboxDrain: Workload = {
  name: 'outbox-drain',
  description: 'the outbox relay draining 10,000 rows',
  supports: (system) => system.outbox !== undefined,
  async run(system, sizes) {
    const outbox = system.outbox;
    if (!outbox) throw new Error(`${system.name} has no outbox`);
    await seed(outbox.append, 'outbox', sizes.outboxRows, {
      batch: sizes.batchSize,
      streams: Math.max(1, sizes.outboxRows / 100),
    });
    await system.analyze();
    const measurement = await timeBatches((onBatch) => outbox.drain(sizes.outboxBatch, onBatch));
    if (measurement.events !== sizes.outboxRows) {
      throw new Error(`${system.name} relayed ${measurement.events} of ${sizes.outboxRows} rows`);
    }
    return measurement;
  },
};
