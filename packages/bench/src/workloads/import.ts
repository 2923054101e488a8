import type { Sizes } from '../config.ts';
import { deposits } from '../fixtures.ts';
import type { BenchSystem, ImportedStream } from '../system.ts';
import type { Workload } from './workload.ts';
import { timeAfterWarmUp } from './workload.ts';

/** `sizes.importEvents` events over `sizes.importStreams` new streams named `<prefix>-<n>`, cut into batches of `sizes.importBatch` events. */
function batches(prefix: string, sizes: Sizes): ImportedStream[][] {
  const perStream = Math.max(1, Math.floor(sizes.importEvents / sizes.importStreams));
  const streamsPerBatch = Math.max(1, Math.floor(sizes.importBatch / perStream));
  const events = deposits(perStream);
  const out: ImportedStream[][] = [];
  for (let first = 0; first < sizes.importStreams; first += streamsPerBatch) {
    const last = Math.min(sizes.importStreams, first + streamsPerBatch);
    out.push(Array.from({ length: last - first }, (_, n) => ({ id: `${prefix}-${first + n}`, events })));
  }
  return out;
}

/**
 * (import) Bulk import of history: 100,000 events over 1,000 new streams, one batch (one
 * transaction, 5,000 events) per operation. Every backend and floor must have it (a missing row
 * fails the run); the peer has no import and is not measured.
 */
export const importHistory: Workload = {
  name: 'import',
  description: 'bulk import, 100 events a stream, 5,000-event batches',
  supports: (system) => system.role !== 'peer',
  async run(system: BenchSystem, sizes: Sizes) {
    const { importStreams } = system;
    if (!importStreams) throw new Error(`${system.name} has no bulk import`);
    // At least 5 warm-up batches (see timeAfterWarmUp), each of new streams.
    const warm = [...batches('warm-a', sizes), ...batches('warm-b', sizes)];
    const measured = batches('import', sizes);
    const run = (source: ImportedStream[][]) => async (index: number) =>
      importStreams.call(system, source[index] as ImportedStream[]);
    return timeAfterWarmUp(sizes, measured.length, 1, run(warm), run(measured));
  },
};
