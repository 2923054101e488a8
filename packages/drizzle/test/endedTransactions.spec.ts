import { createEventStore, defineEvent, TransactionNotOpenError } from '@es/core';
import { tableNames } from '@es/core/sql';
import { testDatabases } from '@es/testing/targets';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { z } from 'zod';
import { configureModels, createDrizzleBackend, type DrizzleBackend } from '../src/index.js';
import { postgresConnections } from './postgresConnections.ts';
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

/** The connections a test opened, closed after it whether it passed or not. */
const opened: { end(): Promise<void> }[] = [];
afterEach(() => Promise.all(opened.splice(0).map((connection) => connection.end())));

function closedAfterTest<Connection extends { end(): Promise<void> }>(connection: Connection): Connection {
  opened.push(connection);
  return connection;
}

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

/**
 * Appends and reads through the handles of an ended `db.transaction` (one committed, one rolled
 * back) are refused with the typed error, and write nothing.
 */
async function expectEndedHandlesRefused<Tx>(
  backend: DrizzleBackend<Tx>,
  transaction: (work: (tx: Tx) => Promise<void>) => Promise<void>,
  eventCount: () => Promise<number>,
): Promise<void> {
  const store = createEventStore({ backend, events: [Opened] });
  for (const ended of await endedHandles(transaction)) {
    const joined = store.withTransaction(ended);
    await expect(
      joined.append(stream(), Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' }),
    ).rejects.toBeInstanceOf(TransactionNotOpenError);
    await expect(joined.readStream(stream())).rejects.toBeInstanceOf(TransactionNotOpenError);
  }
  expect(await eventCount()).toBe(0);
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

  test.each(
    postgresConnections(pgUrl),
  )('on %s, a handle of an ended db.transaction is refused and nothing is written', async (_, open) => {
    const db = drizzlePg(closedAfterTest(await open()));
    const backend = createDrizzleBackend(db, { tablePrefix });
    await expectEndedHandlesRefused(backend, (work) => db.transaction(work), eventCount);
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
    const db = drizzleMysql(closedAfterTest(mysql.createPool({ uri: mysqlUrl, connectionLimit: 2 })));
    const backend = createDrizzleBackend(db, { tablePrefix });
    await expectEndedHandlesRefused(backend, (work) => db.transaction(work), eventCount);
  });
});
