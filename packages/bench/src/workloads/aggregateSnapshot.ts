import { applyDeposit, deposits, emptyAccount } from '../fixtures.ts';
import { defineWorkload, timeAfterWarmUp } from './workload.ts';

const STREAMS = 20;

/** (5) Loads of an aggregate from its snapshot plus the 50 events after it. */
export const aggregateSnapshot = defineWorkload({
  name: 'aggregate-snapshot',
  description: 'load an aggregate from a snapshot plus 50 events',
  uses: (system) => system.snapshots,
  async run(snapshots, system, sizes) {
    const tail = sizes.aggregateTail;
    const before = deposits(tail);
    const after = deposits(tail, tail);
    const state = before.reduce(applyDeposit, emptyAccount);
    const expected = [...before, ...after].reduce(applyDeposit, emptyAccount);
    for (let s = 0; s < STREAMS; s++) {
      await system.append(`account-${s}`, before, 0);
      await snapshots.save(`account-${s}`, tail, state);
      await system.append(`account-${s}`, after, tail);
    }
    await system.analyze();
    const load = async (index: number) => {
      const loaded = await snapshots.load(`account-${index % STREAMS}`);
      if (loaded.version !== 2 * tail || loaded.state.balance !== expected.balance) {
        throw new Error(`${system.name} loaded ${JSON.stringify(loaded)}`);
      }
      return tail;
    };
    return timeAfterWarmUp(sizes, sizes.aggregateLoads, 1, load);
  },
});
