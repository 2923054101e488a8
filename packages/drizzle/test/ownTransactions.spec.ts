import { createEventStore, defineEvent, StoreError } from '@es/core';
import { testDatabases } from '@es/testing/targets';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { z } from 'zod';
import { createDrizzleBackend } from '../src/index.js';
import { postgresConnections } from './postgresConnections.ts';
import { recreatePostgresTables } from './postgresTables.ts';

// The store's own transactions: on a node-postgres Pool they are opened on a pooled client
// directly, elsewhere by db.transaction. Both must behave as Drizzle's own transaction would.

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'own_';
const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
let admin: pg.Pool;

const stream = () => ({ category: 'account', id: `a-${Math.random().toString(36).slice(2)}` });
const eventCount = async () => Number((await admin.query(`SELECT count(*) AS n FROM ${tablePrefix}events`)).rows[0].n);

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: url });
  await recreatePostgresTables(admin, tablePrefix);
  await admin.query('CREATE TABLE IF NOT EXISTS own_host_rows (id text PRIMARY KEY)');
});
beforeEach(() => admin.query(`TRUNCATE ${tablePrefix}events, ${tablePrefix}streams, own_host_rows`));
afterAll(async () => {
  await admin.query('DROP TABLE IF EXISTS own_host_rows');
  await admin.end();
});

test('on a Pool, a plain append is one statement with no transaction around it; one with a projection runs between begin and commit; all logged', async () => {
  const pool = new pg.Pool({ connectionString: url });
  const logged: string[] = [];
  const db = drizzle(pool, {
    logger: { logQuery: (query) => logged.push(query.trim().split(/\s+/)[0]!.toLowerCase()) },
  });
  const backend = createDrizzleBackend(db, { tablePrefix });
  const plain = createEventStore({ backend, events: [Opened] });
  const projected = createEventStore({ backend, events: [Opened], projections: [{ name: 'noop', async handle() {} }] });
  try {
    await plain.append(stream(), Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' });
    expect(logged.splice(0)).toEqual(['with']);
    await projected.append(stream(), Opened.create({ owner: 'bob' }), { expectedVersion: 'no_stream' });
    expect(logged).toEqual(['begin', 'with', 'commit']);
  } finally {
    await pool.end();
  }
});

test.each(
  postgresConnections(url),
)('on %s, a projection writes through the handle in the append transaction, and a failed one rolls both back', async (_, open) => {
  const client = await open();
  const db = drizzle(client);
  let fail = false;
  const store = createEventStore({
    backend: createDrizzleBackend(db, { tablePrefix }),
    events: [Opened],
    projections: [
      {
        name: 'host-rows',
        async handle(events, { transaction }) {
          for (const event of events)
            await transaction.execute(sql`INSERT INTO own_host_rows (id) VALUES (${event.id})`);
          if (fail) throw new Error('projection refused');
        },
      },
    ],
  });
  try {
    const ok = await store.append(stream(), Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' });
    fail = true;
    await expect(
      store.append(stream(), Opened.create({ owner: 'bob' }), { expectedVersion: 'no_stream' }),
    ).rejects.toThrow('projection refused');
    expect((await admin.query('SELECT id FROM own_host_rows')).rows).toEqual([{ id: ok.events[0]!.id }]);
    expect(await eventCount()).toBe(1);
  } finally {
    await client.end();
  }
});

test('on a Pool, a connection killed inside an append is reported and never handed to the next append', async () => {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {}); // the killed idle connection's own report
  let kill = true;
  const store = createEventStore({
    backend: createDrizzleBackend(drizzle(pool), { tablePrefix }),
    events: [Opened],
    projections: [
      {
        name: 'killer',
        async handle(_, { transaction }) {
          if (!kill) return;
          kill = false;
          const { rows } = (await transaction.execute(sql`SELECT pg_backend_pid() AS pid`)) as {
            rows: { pid: number }[];
          };
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        },
      },
    ],
  });
  try {
    const first = stream();
    await expect(
      store.append(first, Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' }),
    ).rejects.toBeInstanceOf(StoreError);
    expect(await eventCount()).toBe(0);
    const again = await store.append(first, Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' });
    expect(again.nextExpectedVersion).toBe(1);
    expect(await eventCount()).toBe(1);
  } finally {
    await pool.end();
  }
});
