// A probe, not a workload: how long an unrelated consumer waits for an event committed while
// something else holds a PostgreSQL transaction open: another consumer's batch whose handler takes
// 2.5 s, or a transaction open in another database of the server. Figures in BENCHMARKS.md.
//   node src/probeHeldBack.ts
import { createConsumer, createEventStore, defineEvent } from '@es/core';
import pg from 'pg';
import { z } from 'zod';
import { parseArgs } from './config.ts';

const config = parseArgs([]);
const database = 'es_bench_held_back';
const admin = new pg.Client({ connectionString: `${config.postgresServer}/postgres` });
await admin.connect();
if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 0) {
  await admin.query(`CREATE DATABASE ${database}`);
}
// The drizzle conformance target creates the tables with drizzle-kit in `${ES_PG_URL}/<its db>`.
process.env.ES_PG_URL = `${config.postgresServer}/${database}?probe=`;
const { drizzleTarget } = (await import(new URL('../../drizzle/test/support/index.ts', import.meta.url).href)) as {
  drizzleTarget(dialect: 'postgres'): {
    setup(): Promise<void>;
    reset(): Promise<void>;
    teardown(): Promise<void>;
    backendInstance(): import('@es/core').EventStoreBackend<unknown>;
  };
};
const target = drizzleTarget('postgres');
await target.setup();
await target.reset();
const Noted = defineEvent('Noted', z.object({ n: z.number() }));
const store = createEventStore({ backend: target.backendInstance(), events: [Noted] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds from the commit of one event to a consumer (started at the end) handling it. */
async function latency(round: string): Promise<number> {
  const other = createConsumer(store, {
    name: `other-${round}`,
    start: 'end',
    readAhead: false,
    handle: async () => {},
  });
  await other.processBatch();
  const started = performance.now();
  await store.append({ category: 'probe', id: `x-${round}` }, Noted.create({ n: 1 }), { expectedVersion: 'any' });
  while ((await other.processBatch()).status !== 'processed') {
    if (performance.now() - started > 10_000) return Number.POSITIVE_INFINITY; // held back for good
    await sleep(5);
  }
  return Math.round(performance.now() - started);
}

const beside: number[] = [];
for (let round = 0; round < 3; round++) {
  await store.append({ category: 'probe', id: `slow-${round}` }, Noted.create({ n: 0 }), { expectedVersion: 'any' });
  const slow = createConsumer(store, {
    name: `slow-${round}`,
    readAhead: false,
    handle: async () => {
      await sleep(2_500);
    },
  });
  const batch = slow.processBatch();
  await sleep(200);
  beside.push(await latency(`slow-${round}`));
  await batch;
}
console.log(`beside a consumer batch with a 2.5 s handler: ${beside.join(', ')} ms`);

const elsewhere: number[] = [];
for (let round = 0; round < 3; round++) {
  await admin.query('BEGIN');
  await admin.query('SELECT pg_current_xact_id()');
  elsewhere.push(await latency(`elsewhere-${round}`));
  await admin.query('ROLLBACK');
}
console.log(`beside a transaction open in another database: ${elsewhere.join(', ')} ms`);
await admin.end();
await target.teardown();
