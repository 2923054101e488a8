// The CPU time of the SQLite rows' hot paths, in one process, the systems' rounds interleaved, so
// that a shared machine's load moves every system alike: single-event appends, appends inside the
// host's transaction and whole-stream reads, per system, in µs of this process's CPU (user +
// system) per operation, the median of the rounds, and its ratio to the floor's.
// `node src/sqliteCpu.ts [appends per round] [rounds] [systems, comma-separated substrings]`.
import { parseArgs } from './config.ts';
import { deposits } from './fixtures.ts';
import type { BenchSystem } from './system.ts';
import { allSystems } from './systems/index.ts';

const appends = Number(process.argv[2] ?? 400);
const rounds = Number(process.argv[3] ?? 5);
const only = (process.argv[4] ?? 'floor/sqlite,drizzle/sqlite,typeorm/sqlite,mikro-orm/sqlite').split(',');
const streamLength = 1_000;
const reads = 20;

const config = parseArgs([]);
const systems = allSystems(config).filter((system) => only.some((name) => system.name === name));

const cpuMicros = async (work: () => Promise<void>): Promise<number> => {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
};

type Measure = 'append' | 'append-in-tx' | 'read-stream (per event)';
const results = new Map<string, Map<Measure, number[]>>();
const record = (system: BenchSystem, measure: Measure, micros: number) => {
  let bySystem = results.get(system.name);
  if (!bySystem) {
    bySystem = new Map();
    results.set(system.name, bySystem);
  }
  bySystem.set(measure, [...(bySystem.get(measure) ?? []), micros]);
};

for (const system of systems) await system.open();
const event = deposits(1);
const long = deposits(streamLength);
for (const system of systems) {
  await system.reset();
  await system.append('long', long, 0);
}
for (let round = 0; round < rounds; round++) {
  for (const system of systems) {
    const stream = `single-${round}`;
    const appended = await cpuMicros(async () => {
      for (let index = 0; index < appends; index++) await system.append(stream, event, index);
    });
    record(system, 'append', appended / appends);
    const inTransaction = system.appendInTransaction?.bind(system);
    if (inTransaction) {
      const joined = await cpuMicros(async () => {
        for (let index = 0; index < appends; index++) await inTransaction(`joined-${round}`, event, index);
      });
      record(system, 'append-in-tx', joined / appends);
    }
    const read = await cpuMicros(async () => {
      for (let index = 0; index < reads; index++) await system.readStream('long');
    });
    record(system, 'read-stream (per event)', read / (reads * streamLength));
  }
}
for (const system of systems) await system.close();

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const floor = results.get('floor/sqlite');
for (const [name, measures] of results) {
  const cells = [...measures].map(([measure, values]) => {
    const micros = median(values);
    const floorMicros = floor?.get(measure) ?? floor?.get('append');
    const ratio = floorMicros ? ` (${(median(floorMicros) / micros).toFixed(2)} of the floor)` : '';
    return `${measure} ${micros.toFixed(1)} µs${ratio}`;
  });
  process.stdout.write(`${name}: ${cells.join('; ')}\n`);
}
