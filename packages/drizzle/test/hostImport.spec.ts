import { createEventStore, defineEvent } from '@es/core';
import { testDatabases } from '@es/testing/targets';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { z } from 'zod';
import { createDrizzleBackend } from '../src/index.js';
import { postgresConnections } from './postgresConnections.ts';
import { recreatePostgresTables } from './postgresTables.ts';

// A bulk import inside the host's own Drizzle transaction (store.withTransaction(tx).import(...)):
// its events go in by COPY on the transaction's client, as in the store's own transactions, and
// commit or roll back with the host's writes.

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'himp_';
const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
let admin: pg.Pool;

const history = (run: string) =>
  Array.from({ length: 3 }, (_, s) => ({
    stream: { category: 'account', id: `${run}-${s}` },
    events: Array.from({ length: 4 }, (_, e) => Opened.create({ owner: `owner ${s}.${e}` })),
  }));
const count = async (table: string) => Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: url });
  await recreatePostgresTables(admin, tablePrefix);
  await admin.query(`CREATE TABLE IF NOT EXISTS ${tablePrefix}host_rows (id text PRIMARY KEY)`);
});
beforeEach(() => admin.query(`TRUNCATE ${tablePrefix}events, ${tablePrefix}streams, ${tablePrefix}host_rows`));
afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${tablePrefix}host_rows`);
  await admin.end();
});

test.each(
  postgresConnections(url),
)('on %s, an import in the host transaction copies on its client, and commits or rolls back with the host', async (_, open) => {
  const client = await open();
  const logged: string[] = [];
  const db = drizzle(client, { logger: { logQuery: (query) => logged.push(query.trim()) } });
  const store = createEventStore({ backend: createDrizzleBackend(db, { tablePrefix }), events: [Opened] });
  const hostRow = (tx: Parameters<Parameters<typeof db.transaction>[0]>[0], id: string) =>
    tx.execute(sql.raw(`INSERT INTO ${tablePrefix}host_rows (id) VALUES ('${id}')`));
  try {
    const result = await db.transaction(async (tx) => {
      await hostRow(tx, 'kept');
      return store.withTransaction(tx).import(history('kept'), { batchSize: 5 });
    });
    expect(result.events).toBe(12);
    // One COPY per batch: a stream is never split, so each 5-event batch holds one 4-event stream.
    expect(logged.filter((text) => text.startsWith('COPY ')).length).toBe(3);
    expect(await count(`${tablePrefix}events`)).toBe(12);
    expect(await count(`${tablePrefix}host_rows`)).toBe(1);
    const events = await store.readStream({ category: 'account', id: 'kept-1' });
    expect(events.map((event) => event.data)).toEqual([0, 1, 2, 3].map((e) => ({ owner: `owner 1.${e}` })));

    await expect(
      db.transaction(async (tx) => {
        await hostRow(tx, 'dropped');
        await store.withTransaction(tx).import(history('dropped'), { batchSize: 5 });
        throw new Error('host rolls back');
      }),
    ).rejects.toThrow('host rolls back');
    expect(await count(`${tablePrefix}events`)).toBe(12);
    expect(await count(`${tablePrefix}host_rows`)).toBe(1);
  } finally {
    await client.end();
  }
});
