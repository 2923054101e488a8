import type { Sizes } from '../config.ts';
import { deposits } from '../fixtures.ts';
import type { Measurement } from '../measure.ts';
import type { BenchSystem } from '../system.ts';

/** One named workload: seeds what it needs (unmeasured), warms up, then measures. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  supports(system: BenchSystem): boolean;
  run(system: BenchSystem, sizes: Sizes): Promise<Measurement>;
}

export const warmUpCount = (sizes: Sizes, count: number) => Math.max(5, Math.ceil(count * sizes.warmUp));

/** Writes `total` events as `batch`-event appends over `streams` streams, `writers` at a time (unmeasured). */
export async function seed(
  append: BenchSystem['append'],
  prefix: string,
  total: number,
  options: { batch: number; streams: number; writers?: number },
): Promise<void> {
  const perStream = Math.ceil(total / options.streams);
  const jobs: Array<() => Promise<void>> = [];
  for (let s = 0; s < options.streams; s++) {
    const length = Math.min(perStream, total - s * perStream);
    if (length <= 0) break;
    jobs.push(async () => {
      for (let version = 0; version < length; version += options.batch) {
        const count = Math.min(options.batch, length - version);
        await append(`${prefix}-${s}`, deposits(count, version), version);
      }
    });
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
  };
  await Promise.all(Array.from({ length: options.writers ?? 4 }, worker));
}
