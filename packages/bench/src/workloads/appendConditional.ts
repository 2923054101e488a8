import type { LogCursor } from '../system.ts';
import { defineWorkload, timeAfterWarmUp } from './workload.ts';

/**
 * Dynamic consistency boundaries: single-event conditional appends, each writer on a tag of its
 * own, on the condition that nothing tagged so was appended after its previous append (the
 * condition holds: no conflict is measured, only the cost of the guarantee). With 8 writers on
 * PostgreSQL it shows whether conditional appends on distinct boundaries wait for each other.
 */
function appendConditional(writers: number) {
  return defineWorkload({
    name: `append-conditional-${writers}`,
    description: `conditional single-event appends (DCB), ${writers} writer${writers === 1 ? '' : 's'} on tags of their own`,
    uses: (system) => system.conditionalAppend?.bind(system),
    async run(conditionalAppend, _system, sizes) {
      const cursors = new Map<string, LogCursor>();
      const appendBy = (prefix: string) => async (_index: number, worker: number) => {
        const tag = `${prefix}:${worker}`;
        cursors.set(tag, await conditionalAppend(tag, cursors.get(tag)));
        return 1;
      };
      const total = sizes.appendConcurrentPerWriter * writers;
      return timeAfterWarmUp(sizes, total, writers, appendBy('warm'), appendBy('writer'));
    },
  });
}

export const appendConditional1 = appendConditional(1);
export const appendConditional8 = appendConditional(8);
