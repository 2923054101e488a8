import type { Sizes } from '../config.ts';
import { deposits } from '../fixtures.ts';
import { type Measurement, timeOperations } from '../measure.ts';
import type { BenchSystem } from '../system.ts';

/** One named workload: seeds what it needs (unmeasured), warms up, then measures. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  /** A name `--workloads` picks this workload by along with others of the group. */
  readonly group?: string;
  /** Left out of a run that does not name it (or its group) in `--workloads`. */
  readonly optIn?: boolean;
  supports(system: BenchSystem): boolean;
  run(system: BenchSystem, sizes: Sizes): Promise<Measurement>;
}

/**
 * A workload that measures one part of a system: `uses` picks it (a method, the snapshots, the
 * outbox), undefined where the system lacks it, and such systems are skipped. `run` gets it picked.
 */
export function defineWorkload<T>(definition: {
  readonly name: string;
  readonly description: string;
  readonly group?: string;
  readonly optIn?: boolean;
  readonly uses: (system: BenchSystem) => T | undefined;
  run(used: T, system: BenchSystem, sizes: Sizes): Promise<Measurement>;
}): Workload {
  const { name, description, group, optIn, uses } = definition;
  return {
    name,
    description,
    ...(group !== undefined && { group }),
    ...(optIn !== undefined && { optIn }),
    supports: (system) => uses(system) !== undefined,
    run(system, sizes) {
      const used = uses(system);
      if (used === undefined) throw new Error(`${system.name} cannot run ${name}`);
      return definition.run(used, system, sizes);
    },
  };
}

/** One timed operation (see `timeOperations`): resolves to the events it wrote or read. */
export type Operation = (index: number, worker: number) => Promise<number>;

/**
 * Runs `warmUp` unmeasured on a share of `count` (`sizes.warmUp`, at least 5), then times `count`
 * runs of `measured`, both over `workers` concurrent workers. Appends pass two operations writing
 * to streams of their own; reads pass one.
 */
export async function timeAfterWarmUp(
  sizes: Sizes,
  count: number,
  workers: number,
  warmUp: Operation,
  measured: Operation = warmUp,
): Promise<Measurement> {
  await timeOperations(Math.max(5, Math.ceil(count * sizes.warmUp)), workers, warmUp);
  return timeOperations(count, workers, measured);
}

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

/**
 * Seeds `total` events for a workload that reads them, over `streams` streams named `<prefix>-<n>`
 * in appends of the run's batch size (through `append`: the plain one unless given), then refreshes
 * the planner's statistics (`system.analyze`).
 */
export async function seedAndAnalyze(
  system: BenchSystem,
  sizes: Sizes,
  seeding: { prefix: string; total: number; streams: number; append?: BenchSystem['append'] },
): Promise<void> {
  await seed(seeding.append ?? system.append, seeding.prefix, seeding.total, {
    batch: sizes.batchSize,
    streams: seeding.streams,
  });
  await system.analyze();
}
