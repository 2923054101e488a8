import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import type { Summary } from './measure.ts';
import type { BenchSystem } from './system.ts';

export interface ResultRow extends Summary {
  readonly workload: string;
  readonly system: string;
  /** Our throughput divided by the floor's (same dialect, same run); null for the floor itself. */
  readonly vsFloor: number | null;
  /** Our throughput divided by Emmett's (PostgreSQL, same run); null where Emmett has no equivalent. */
  readonly vsEmmett: number | null;
  /** With `--repeat`: the lowest and highest events/s of the rounds (the row shows their median). */
  readonly eventsPerSecRange?: readonly [number, number];
  /** Catch-up only: the process's peak resident set size while the consumer ran. */
  /** The bench process's peak RSS during the run (shared by every system of the process). */
  readonly peakRssMb?: number;
  /** The run's own peak growth of heap, external and array-buffer memory. */
  readonly peakHeapGrowthMb?: number;
}

export interface NotMeasured {
  readonly system: string;
  readonly workload?: string;
  readonly reason: string;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly postgres: string;
  readonly sqlite: string;
  /** The 1-minute load average when the run started and when it ended (other work skews figures). */
  readonly loadAverage?: readonly [number, number];
}

export interface Report {
  readonly mode: 'full' | 'quick';
  /** Rounds per workload; each row is the median of its rounds. */
  readonly rounds: number;
  /** Whether an unrecorded round at the quick sizes ran first (full runs). */
  readonly warmUpRound: boolean;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly machine: Machine;
  readonly results: ResultRow[];
  readonly notMeasured: NotMeasured[];
}

export function machine(postgres: string, sqlite: string): Machine {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
    sqlite,
  };
}

type Measured = Omit<ResultRow, 'vsFloor' | 'vsEmmett'>;

const ratio = (ours: number, theirs: number | undefined) =>
  theirs === undefined || theirs === 0 ? null : Math.round((ours / theirs) * 100) / 100;

/** Fills vsFloor and vsEmmett from the figures of the same run. */
export function withRatios(measured: readonly Measured[], systems: readonly BenchSystem[]): ResultRow[] {
  const bySystem = new Map(systems.map((system) => [system.name, system]));
  const find = (workload: string, system: string) =>
    measured.find((row) => row.workload === workload && row.system === system)?.eventsPerSec;
  return measured.map((row) => {
    const system = bySystem.get(row.system);
    const floor = system && system.role !== 'floor' ? find(row.workload, `floor/${system.dialect}`) : undefined;
    const emmett =
      system && system.role !== 'peer' && system.dialect === 'postgres'
        ? find(row.workload, 'emmett/postgres')
        : undefined;
    return { ...row, vsFloor: ratio(row.eventsPerSec, floor), vsEmmett: ratio(row.eventsPerSec, emmett) };
  });
}

const cell = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits });

const memory = (row: ResultRow) =>
  row.peakRssMb === undefined ? '–' : `${cell(row.peakHeapGrowthMb, 0)} / ${cell(row.peakRssMb, 0)}`;
const range = (span: readonly [number, number] | undefined) => (span ? `${cell(span[0], 0)}-${cell(span[1], 0)}` : '–');

export function markdownTable(report: Report): string {
  const lines = [
    '| workload | system | events/s | rounds: min-max | p50 ms | p99 ms | vs floor | vs Emmett | heap growth / process RSS MiB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.results.map(
      (row) =>
        `| ${row.workload} | ${row.system} | ${cell(row.eventsPerSec, 0)} | ${range(row.eventsPerSecRange)} | ${cell(row.p50ms)} | ${cell(row.p99ms)} | ${cell(row.vsFloor)} | ${cell(row.vsEmmett)} | ${memory(row)} |`,
    ),
    ...report.notMeasured.map(
      (row) =>
        `| ${row.workload ?? 'all'} | ${row.system} | not measured: ${row.reason.replaceAll('|', '\\|')} | | | | | | |`,
    ),
  ];
  const m = report.machine;
  return [
    `${report.mode} run of ${report.startedAt}, ${report.wallSeconds} s, ${report.rounds === 1 ? 'one round' : `median of ${report.rounds} rounds`} per row${report.warmUpRound ? ' after an unrecorded warm-up round' : ''}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.postgres}, SQLite ${m.sqlite}; load average ${m.loadAverage?.join(' -> ') ?? '?'}.`,
    '',
    ...lines,
  ].join('\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replaces the results section of BENCHMARKS.md (between its markers), leaving the analysis alone. */
export function updateBenchmarksMd(path: string, report: Report): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = `# Benchmarks\n\n${START}\n${END}\n`;
  }
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path} lacks the ${START} ... ${END} markers`);
  writeFileSync(path, `${text.slice(0, start + START.length)}\n${markdownTable(report)}\n${text.slice(end)}`);
}
