import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Work sizes of one run. `--quick` keeps the whole run under a minute on a 2-core CI machine. */
export interface Sizes {
  readonly appendSingle: number;
  /** Appends per writer; there are `writers` of them. */
  readonly appendConcurrentPerWriter: number;
  readonly writers: number;
  readonly batchAppends: number;
  readonly batchSize: number;
  readonly streamLength: number;
  readonly streamReads: number;
  readonly aggregateLoads: number;
  /** Events after the snapshot (the snapshot is taken at the same count). */
  readonly aggregateTail: number;
  readonly catchUpEvents: number;
  /** Events per consumer batch, the same for every system. */
  readonly catchUpBatch: number;
  readonly outboxRows: number;
  /** Rows per relay batch, the same for every system. */
  readonly outboxBatch: number;
  /** The stream the event browser opens, and how many times its first page is loaded. */
  readonly browsedStreamLength: number;
  readonly browserLoads: number;
  /** Bulk import: events in all, over how many new streams, and events per batch (one transaction each). */
  readonly importEvents: number;
  readonly importStreams: number;
  readonly importBatch: number;
  /** Share of a workload's operations run first, unmeasured. */
  readonly warmUp: number;
}

const full: Sizes = {
  appendSingle: 2_000,
  appendConcurrentPerWriter: 500,
  writers: 8,
  batchAppends: 200,
  batchSize: 100,
  streamLength: 1_000,
  streamReads: 100,
  aggregateLoads: 500,
  aggregateTail: 50,
  catchUpEvents: 100_000,
  catchUpBatch: 1_000,
  outboxRows: 10_000,
  outboxBatch: 100,
  browsedStreamLength: 10_000,
  browserLoads: 20,
  importEvents: 100_000,
  importStreams: 1_000,
  importBatch: 5_000,
  warmUp: 0.1,
};

const quick: Sizes = {
  ...full,
  appendSingle: 200,
  appendConcurrentPerWriter: 40,
  batchAppends: 20,
  streamReads: 10,
  aggregateLoads: 50,
  catchUpEvents: 2_000,
  outboxRows: 1_000,
  browsedStreamLength: 1_000,
  browserLoads: 3,
  importEvents: 2_000,
  importStreams: 100,
  importBatch: 500,
};

export interface BenchConfig {
  readonly quick: boolean;
  readonly sizes: Sizes;
  /** `system` substrings to run (all when empty): `--only drizzle,floor`. */
  readonly only: readonly string[];
  /** Workload names to run (all when empty): `--workloads read-stream,catch-up`. */
  readonly workloads: readonly string[];
  /**
   * Rounds per workload (`--repeat 3`, default 1): each round runs every system once, in turn, and
   * a row reports the median of its rounds, so that one slow moment of a shared machine does not
   * decide a ratio.
   */
  readonly repeat: number;
  /**
   * Sizes of an unrecorded round run before the measured ones (full runs: the quick sizes), so
   * that every system's first measured round finds its code compiled by the JIT, as the floor's
   * few functions are after their in-workload warm-up; undefined for none (quick runs).
   */
  readonly warmUpRound?: Sizes;
  /** The server, without a database: `postgres://user@host:port`. */
  readonly postgresServer: string;
  readonly postgresUrl: string;
  readonly sqliteDir: string;
}

export function parseArgs(argv: readonly string[]): BenchConfig {
  const quickRun = argv.includes('--quick');
  const list = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? (argv[index + 1] ?? '').split(',').filter(Boolean) : [];
  };
  const server = (process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/$/, '');
  return {
    quick: quickRun,
    sizes: quickRun ? quick : full,
    only: list('--only'),
    workloads: list('--workloads'),
    repeat: positiveInteger(list('--repeat')[0] ?? '1', '--repeat'),
    ...(!quickRun && { warmUpRound: quick }),
    postgresServer: server,
    postgresUrl: `${server}/es_bench`,
    sqliteDir: tmpdir(),
  };
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} takes a positive integer, got "${text}"`);
  return value;
}

export const sqliteFile = (config: BenchConfig, name: string) =>
  join(config.sqliteDir, `es-bench-${name}-${process.pid}.sqlite`);
