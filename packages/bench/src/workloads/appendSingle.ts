import { deposits } from '../fixtures.ts';
import type { BenchSystem } from '../system.ts';
import { defineWorkload, timeAfterWarmUp, type Workload } from './workload.ts';

/**
 * One event per append, one writer, on one growing stream (`stream`; `warm` for the warm-up), each
 * through the way of appending that `uses` picks from a system.
 */
export function singleEventAppends(
  name: string,
  description: string,
  stream: string,
  uses: (system: BenchSystem) => BenchSystem['append'] | undefined,
): Workload {
  return defineWorkload({
    name,
    description,
    uses,
    async run(append, _system, sizes) {
      const event = deposits(1);
      const appendTo = (id: string) => async (index: number) => {
        await append(id, event, index);
        return 1;
      };
      return timeAfterWarmUp(sizes, sizes.appendSingle, 1, appendTo('warm'), appendTo(stream));
    },
  });
}

/** (1) One event per append, one writer, one transaction each, on one growing stream. */
export const appendSingle = singleEventAppends(
  'append-single',
  'single-event appends, one writer, one transaction each',
  'single',
  (system) => system.append.bind(system),
);
