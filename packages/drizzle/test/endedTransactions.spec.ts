import { createEventStore, defineEvent, type EventStore, TransactionNotOpenError } from '@es/core';
import { tableNames } from '@es/core/sql';
import { testDatabases } from '@es/testing/targets';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { z } from 'zod';
import { configureModels, createDrizzleBackend, type DrizzleTransactionOf } from '../src/index.js';
import { recreatePostgresTables } from './postgresTables.ts';
import { generateMigrationSql } from './support/index.ts';

// A handle from your own db.transaction, used after that transaction has ended: the conformance
// kit checks the backend's own handles (runInTransaction); these are Drizzle's, told ended by
// the driver (node-postgres's transaction status, mysql2's released pool connection).

const tablePrefix = 'ended_';
const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
const pgUrl = testDatabases.postgres('es_drizzle');
const mysqlUrl = testDatabases.mysql('es_drizzle');

const stream = () => ({ category: 'account', id: `a-${Math.random().toString(36).slice(2)}` });

/** The handles of one committed and one rolled-back `db.transaction`. */
async function endedHandles<Tx>(transaction: (work: (tx: Tx) => Promise<void>) => Promise<void>): Promise<Tx[]> {
  const handles: Tx[] = [];
  await transaction(async (tx) => {
    handles.push(tx);
  });
  await transaction(async (tx) => {
    handles.push(tx);
    throw new Error('rolled back');
  }).catch(() => {});
  return handles;
}

/** Appends and reads through each ended handle are refused with the typed error. */
async function expectRefused<H>(store: EventStore<typeof Opened, H>, handles: readonly H[]): Promise<void> {
  for (const ended of handles) {
    const joined = store.withTransaction(ended);
    await expect(
      joined.append(stream(), Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' }),
    ).rejects.toBeInstanceOf(TransactionNotOpenError);
    await expect(joined.readStream(stream())).rejects.toBeInstanceOf(TransactionNotOpenError);
  }
}

describe('node-postgres', () => {
  let admin: pg.Pool;
  const eventCount = async () =>
    Number((await admin.query(`SELECT count(*) AS n FROM ${tablePrefix}events`)).rows[0].n);

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: pgUrl });
    await recreatePostgresTables(admin, tablePrefix);
  });
  afterAll(() => admin.end());

  test.each([
    ['a Pool', () => new pg.Pool({ connectionString: pgUrl, max: 2 })],
    ['a single Client', () => new pg.Client({ connectionString: pgUrl })],
  ])('on %s, a handle of an ended db.transaction is refused and nothing is written', async (_, open) => {
    const client = open();
    if (client instanceof pg.Client) await client.connect();
    const db = drizzlePg(client);
    const store = createEventStore({ backend: createDrizzleBackend(db, { tablePrefix }), events: [Opened] });
    try {
      await expectRefused(store, await endedHandles<DrizzleTransactionOf<typeof db>>((work) => db.transaction(work)));
      expect(await eventCount()).toBe(0);
    } finally {
      await client.end();
    }
  });
});

describe('mysql2', () => {
  let admin: mysql.Pool;
  const eventCount = async () => {
    const [rows] = await admin.query(`SELECT count(*) AS n FROM ${tablePrefix}events`);
    return Number((rows as { n: number }[])[0]!.n);
  };

  beforeAll(async () => {
    admin = mysql.createPool({ uri: mysqlUrl });
    const models = configureModels('mysql', { tablePrefix });
    for (const table of Object.values(tableNames(tablePrefix))) await admin.query(`DROP TABLE IF EXISTS ${table}`);
    for (const statement of await generateMigrationSql('mysql', models)) await admin.query(statement);
  });
  afterAll(() => admin.end());

  test('on a Pool, a handle of an ended db.transaction is refused and nothing is written', async () => {
    const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 2 });
    const db = drizzleMysql(pool);
    const store = createEventStore({ backend: createDrizzleBackend(db, { tablePrefix }), events: [Opened] });
    try {
      await expectRefused(store, await endedHandles<DrizzleTransactionOf<typeof db>>((work) => db.transaction(work)));
      expect(await eventCount()).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
