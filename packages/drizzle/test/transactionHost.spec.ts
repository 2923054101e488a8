// @nestjs-cls/transactional with its Drizzle adapter: a store given transactionHostContext(txHost)
// and no handle joins the transaction the TransactionHost holds (what @Transactional() opens). The
// conformance kit's ambient suite runs that context on PostgreSQL and MySQL (commit, rollback,
// nested calls, Promise.all, concurrent transactions, propagation outside one); here, what is the
// adapter's own: a Nested transaction's savepoint, and SQLite, where its transactions cannot hold
// async work.
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, defineEvent, TransactionNotOpenError } from '@es/core';
import { tableNames } from '@es/core/sql';
import { transactionHostContext } from '@es/nestjs';
import { testDatabases } from '@es/testing/targets';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { Propagation, type TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterDrizzleOrm } from '@nestjs-cls/transactional-adapter-drizzle-orm';
import Database from 'better-sqlite3';
import { count, eq } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { mysqlTable, varchar as mysqlVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { pgTable, varchar } from 'drizzle-orm/pg-core';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { z } from 'zod';
import { configureModels, createDrizzleBackend, type DrizzleDatabase, type DrizzleDialect } from '../src/index.js';
import { generateMigrationSql } from './support/index.ts';
import { asTransactionHost, type DrizzleClient, transactionHostOver } from './support/transactionHost.ts';

const PREFIX = 'txh_';
const InvoiceIssued = defineEvent('InvoiceIssued', z.object({ cents: z.number() }));
const invoice = (id: string) => ({ category: 'invoice', id });

const pgInvoices = pgTable(`${PREFIX}invoices`, { id: varchar('id', { length: 100 }).primaryKey() });
const mysqlInvoices = mysqlTable(`${PREFIX}invoices`, { id: mysqlVarchar('id', { length: 100 }).primaryKey() });

/** What each dialect's row needs: its Drizzle database, the host's writes and reads on it. */
interface HostDatabase<Db> {
  readonly db: Db;
  insertInvoice(client: Db, id: string): Promise<unknown>;
  invoiceCount(id: string): Promise<number>;
  /** Runs one statement outside Drizzle (dropping and creating the tables). */
  run(statement: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The host's table and the store's, dropped and created again from the models by drizzle-kit. */
async function recreateTables(host: HostDatabase<unknown>, dialect: DrizzleDialect, invoices: object) {
  const { logHead, ...tables } = tableNames(PREFIX);
  const names = [`${PREFIX}invoices`, ...Object.values(tables), ...(dialect === 'mysql' ? [logHead] : [])];
  for (const table of names) await host.run(`DROP TABLE IF EXISTS ${table}`);
  const schema = { invoices, ...configureModels(dialect as 'postgresql', { tablePrefix: PREFIX }) };
  for (const statement of await generateMigrationSql(dialect, schema)) await host.run(statement);
}

const hosts = {
  async postgres(): Promise<HostDatabase<NodePgDatabase>> {
    const pool = new pg.Pool({ connectionString: testDatabases.postgres('es_drizzle') });
    const db = drizzlePg(pool);
    return {
      db,
      insertInvoice: (client, id) => client.insert(pgInvoices).values({ id }),
      invoiceCount: async (id) => (await db.select({ n: count() }).from(pgInvoices).where(eq(pgInvoices.id, id)))[0]!.n,
      run: (statement) => pool.query(statement),
      close: () => pool.end(),
    };
  },
  async mysql(): Promise<HostDatabase<MySql2Database>> {
    const pool = mysql.createPool({ uri: testDatabases.mysql('es_drizzle'), connectionLimit: 8 });
    const db = drizzleMysql(pool);
    return {
      db,
      insertInvoice: (client, id) => client.insert(mysqlInvoices).values({ id }),
      invoiceCount: async (id) =>
        (await db.select({ n: count() }).from(mysqlInvoices).where(eq(mysqlInvoices.id, id)))[0]!.n,
      run: (statement) => pool.query(statement),
      close: () => pool.end(),
    };
  },
};

function describeTransactionHost<Db extends DrizzleDatabase & DrizzleClient>(
  name: string,
  dialect: DrizzleDialect,
  invoices: object,
  open: () => Promise<HostDatabase<Db>>,
) {
  describe(`TransactionHost of the Drizzle adapter on ${name}`, () => {
    let host: HostDatabase<Db>;
    let module: TestingModule;
    let txHost: TransactionHost<TransactionalAdapterDrizzleOrm<Db>>;
    let store: ReturnType<typeof openStore>;
    /** A store with no context: what it reads is what is committed. */
    let observer: ReturnType<typeof createEventStore>;
    const openStore = () =>
      createEventStore({
        backend: createDrizzleBackend(host.db, { tablePrefix: PREFIX }),
        events: [InvoiceIssued],
        transactionContext: transactionHostContext(asTransactionHost(txHost)),
      });

    beforeAll(async () => {
      host = await open();
      await recreateTables(host, dialect, invoices);
      ({ module, txHost } = await transactionHostOver(host.db));
      store = openStore();
      observer = createEventStore({ backend: createDrizzleBackend(host.db, { tablePrefix: PREFIX }), events: [] });
    });
    afterAll(async () => {
      await module?.close();
      await host?.close();
    });

    /** The host's row and the invoice's event, written with no handle passed. */
    const issue = async (id: string) => {
      await host.insertInvoice(txHost.tx, id);
      await store.append(invoice(id), InvoiceIssued.create({ cents: 100 }), { expectedVersion: 'no_stream' });
    };
    const committed = async (id: string) => ({
      invoices: await host.invoiceCount(id),
      events: await observer.streamVersion(invoice(id)),
    });
    const both = { invoices: 1, events: 1 };
    const neither = { invoices: 0, events: 0 };

    it('a Nested transaction (a savepoint) that throws takes its row and its events alone; the rest commits', async () => {
      await txHost.withTransaction(async () => {
        await issue('n-1');
        await expect(
          txHost.withTransaction(Propagation.Nested, async () => {
            await issue('n-2');
            throw new Error('the nested part fails');
          }),
        ).rejects.toThrow('the nested part fails');
        await txHost.withTransaction(Propagation.Nested, () => issue('n-3'));
      });
      expect([await committed('n-1'), await committed('n-2'), await committed('n-3')]).toEqual([both, neither, both]);
    });
  });
}

describeTransactionHost('postgres', 'postgresql', pgInvoices, hosts.postgres);
describeTransactionHost('mysql', 'mysql', mysqlInvoices, hosts.mysql);

// Drizzle's better-sqlite3 transactions are synchronous, and the adapter hands them an async
// callback: better-sqlite3 refuses it at the callback's first await and rolls back, while the rest
// of the callback runs on. The store refuses that transaction's handle rather than write outside it.
describe('TransactionHost of the Drizzle adapter on SQLite (better-sqlite3)', () => {
  const file = join(tmpdir(), 'es-drizzle-transaction-host.sqlite');
  const invoices = sqliteTable(`${PREFIX}invoices`, { id: text('id').primaryKey() });
  let client: Database.Database;
  let module: TestingModule | undefined;
  afterAll(async () => {
    await module?.close();
    client?.close();
  });

  it('cannot hold async work: the transaction fails at its first await, and the store writes nothing', async () => {
    rmSync(file, { force: true });
    client = new Database(file);
    const models = configureModels('sqlite', { tablePrefix: PREFIX });
    for (const statement of await generateMigrationSql('sqlite', { invoices, ...models })) client.exec(statement);
    const db = drizzleSqlite(client);
    const opened = await transactionHostOver(db);
    module = opened.module;
    const store = createEventStore({
      backend: createDrizzleBackend(db, { tablePrefix: PREFIX }),
      events: [InvoiceIssued],
      transactionContext: transactionHostContext(asTransactionHost(opened.txHost)),
    });
    let append: Promise<unknown> | undefined;
    await expect(
      opened.txHost.withTransaction(async () => {
        await Promise.resolve(); // any await: better-sqlite3 has ended the transaction by now
        append = store.append(invoice('s-1'), InvoiceIssued.create({ cents: 1 }), { expectedVersion: 'no_stream' });
        append.catch(() => undefined); // awaited below: nobody awaits this callback's own promise
      }),
    ).rejects.toThrow(/promise/);
    await expect(append).rejects.toBeInstanceOf(TransactionNotOpenError);
    expect(db.select({ n: count() }).from(models.esEvents).get()?.n).toBe(0);
  });
});
