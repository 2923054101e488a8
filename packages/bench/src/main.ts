import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type BenchConfig, parseArgs } from './config.ts';
import { type Measurement, medianSummary, type Summary, summarize } from './measure.ts';
import { scalingTable } from './partitioned/scaling.ts';
import {
  machine,
  markdownTable,
  type NotMeasured,
  type Report,
  type ResultRow,
  updateBenchmarksMd,
  withRatios,
} from './report.ts';
import type { BenchSystem } from './system.ts';
import { allSystems } from './systems/index.ts';
import { workloads } from './workloads/index.ts';

const root = (file: string) => fileURLToPath(new URL(`../../../${file}`, import.meta.url));
const started = process.hrtime.bigint();
const seconds = () => Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10;
const log = (message: string) => process.stderr.write(`[${seconds().toFixed(1)}s] ${message}\n`);
const round1 = (value: number) => Math.round(value * 10) / 10;
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

async function versions(config: BenchConfig) {
  const client = new pg.Client({ connectionString: config.postgresUrl });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  const sqlite = new Database(':memory:');
  const { v } = sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string };
  sqlite.close();
  return machine(`PostgreSQL ${rows[0]?.server_version ?? '?'}`, v);
}

async function openSystems(systems: BenchSystem[], notMeasured: NotMeasured[]): Promise<BenchSystem[]> {
  const opened: BenchSystem[] = [];
  for (const system of systems) {
    try {
      await system.open();
      opened.push(system);
      log(`opened ${system.name}`);
    } catch (error) {
      notMeasured.push({ system: system.name, reason: reason(error) });
      log(`not measured: ${system.name}: ${reason(error)}`);
    }
  }
  return opened;
}

async function main() {
  const config = parseArgs(process.argv.slice(2));
  const notMeasured: NotMeasured[] = [];
  const chosen = allSystems(config).filter(
    (system) => config.only.length === 0 || config.only.some((part) => system.name.includes(part)),
  );
  const loadBefore = loadavg()[0] ?? 0;
  const systems = await openSystems(chosen, notMeasured);
  const measured: Omit<ResultRow, 'vsFloor' | 'vsEmmett'>[] = [];
  // Workload-major order: every system runs a workload back to back, under the same conditions.
  const chosenWorkloads = workloads.filter((workload) =>
    config.workloads.length === 0
      ? !workload.optIn
      : config.workloads.some((name) => name === workload.name || name === workload.group),
  );
  for (const workload of chosenWorkloads) {
    const eligible = systems.filter((system) => workload.supports(system));
    const rounds = new Map<string, { summaries: Summary[]; peakRssMb?: number; peakHeapGrowthMb?: number }>();
    const failed = new Set<string>();
    // Rounds interleave the systems, so that a slow minute of the machine falls on all of them;
    // round 0 (full runs) warms every system up and is not recorded.
    for (let round = config.warmUpRound ? 0 : 1; round <= config.repeat; round++) {
      for (const system of eligible) {
        if (failed.has(system.name)) continue;
        let measurement: Measurement;
        system.enter?.();
        try {
          await system.reset();
          measurement = await workload.run(
            system,
            round === 0 && config.warmUpRound ? config.warmUpRound : config.sizes,
          );
          if (round === 0) continue;
        } catch (error) {
          // A failed warm-up is only logged: the measured rounds decide whether a row is missing.
          if (round === 0) {
            log(`warm-up failed: ${workload.name} ${system.name}: ${reason(error)}`);
            continue;
          }
          failed.add(system.name);
          notMeasured.push({ system: system.name, workload: workload.name, reason: reason(error) });
          log(`not measured: ${workload.name} ${system.name}: ${reason(error)}`);
          continue;
        } finally {
          system.leave?.();
        }
        const summary = summarize(measurement);
        const entry = rounds.get(system.name) ?? { summaries: [] };
        entry.summaries.push(summary);
        if (measurement.peakRssMb !== undefined)
          entry.peakRssMb = Math.max(entry.peakRssMb ?? 0, measurement.peakRssMb);
        if (measurement.peakHeapGrowthMb !== undefined)
          entry.peakHeapGrowthMb = Math.max(entry.peakHeapGrowthMb ?? 0, measurement.peakHeapGrowthMb);
        rounds.set(system.name, entry);
        const of = config.repeat > 1 ? ` (round ${round}/${config.repeat})` : '';
        log(
          `${workload.name} ${system.name}${of}: ${summary.eventsPerSec} events/s, p50 ${summary.p50ms} ms, p99 ${summary.p99ms} ms`,
        );
      }
    }
    for (const system of eligible) {
      const entry = rounds.get(system.name);
      if (!entry || failed.has(system.name)) continue;
      const throughputs = entry.summaries.map((summary) => summary.eventsPerSec);
      measured.push({
        workload: workload.name,
        system: system.name,
        ...medianSummary(entry.summaries),
        ...(config.repeat > 1 && { eventsPerSecRange: [Math.min(...throughputs), Math.max(...throughputs)] as const }),
        ...(entry.peakRssMb !== undefined && { peakRssMb: entry.peakRssMb }),
        ...(entry.peakHeapGrowthMb !== undefined && { peakHeapGrowthMb: entry.peakHeapGrowthMb }),
      });
    }
  }
  for (const system of systems) await system.close().catch((error) => log(`closing ${system.name}: ${reason(error)}`));

  const report: Report = {
    mode: config.quick ? 'quick' : 'full',
    rounds: config.repeat,
    warmUpRound: config.warmUpRound !== undefined,
    startedAt: new Date(Date.now() - seconds() * 1000).toISOString(),
    wallSeconds: seconds(),
    machine: { ...(await versions(config)), loadAverage: [round1(loadBefore), round1(loadavg()[0] ?? 0)] },
    results: withRatios(measured, systems),
    notMeasured,
  };
  // A partial run (--only, --workloads) only prints its table; a quick run writes the report (CI
  // reads it) but leaves BENCHMARKS.md, whose table is the last full run's.
  const partial = config.only.length > 0 || config.workloads.length > 0;
  if (!partial) writeFileSync(root('bench-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (!partial && !config.quick) updateBenchmarksMd(root('BENCHMARKS.md'), report);
  process.stdout.write(`${markdownTable(report)}\n`);
  const scaling = scalingTable(report.results);
  if (scaling) process.stdout.write(`\n${scaling}\n`);
  // A row missing for one of ours (or the floor it is compared with) fails the run; the peer's
  // own failures are reported in the table but are not ours to fail on.
  const roles = new Map(chosen.map((system) => [system.name, system.role]));
  const missing = notMeasured.filter((row) => roles.get(row.system) !== 'peer');
  if (missing.length > 0) {
    for (const row of missing) log(`missing: ${row.workload ?? 'all'} ${row.system}: ${row.reason}`);
    process.exitCode = 1;
  }
}

await main();
// Exit even when a peer left handles open (a stalled Emmett consumer can keep its pool).
process.exit();
