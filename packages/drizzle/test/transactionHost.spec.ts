// @nestjs-cls/transactional with its Drizzle adapter: a store given transactionHostContext(txHost)
// and no handle joins the transaction the TransactionHost holds (what @Transactional() opens), so
// the host's rows written through txHost.tx and the events commit or roll back together.
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, defineEvent, TransactionNotOpenError, TransactionRequiredError } from '@es/core';
import { tableNames } from '@es/core/sql';
import { type TransactionHostLike, transactionHostContext } from '@es/nestjs';
import { testDatabases } from '@es/testing/targets';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { ClsPluginTransactional, Propagation, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterDrizzleOrm } from '@nestjs-cls/transactional-adapter-drizzle-orm';
import Database from 'better-sqlite3';
import { count, eq } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { mysqlTable, varchar as mysqlVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { pgTable, varchar } from 'drizzle-orm/pg-core';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import mysql from 'mysql2/promise';
import { ClsModule } from 'nestjs-cls';
import pg from 'pg';
import { z } from 'zod';
import {
  configureModels,
  createDrizzleBackend,
  type DrizzleDatabase,
  type DrizzleDialect,
  type DrizzleTransactionOf,
} from '../src/index.js';
import { generateMigrationSql } from './support/index.ts';

const PREFIX = 'txh_';
const DRIZZLE = Symbol('drizzle');
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

/** What the Drizzle adapter takes: a database whose `transaction(async (tx) => ...)` it opens. */
// biome-ignore lint/suspicious/noExplicitAny: the adapter's own constraint, which every Drizzle database meets
type DrizzleClient = { transaction: (work: (tx: any) => Promise<any>, options?: any) => Promise<any> };

/** A Nest testing module with ClsModule and the transactional plugin, its Drizzle adapter over `db`. */
async function transactionHostOver<Db extends DrizzleClient>(db: Db) {
  const drizzleModule = {
    module: class DrizzleModule {},
    providers: [{ provide: DRIZZLE, useValue: db }],
    exports: [DRIZZLE],
  };
  const module: TestingModule = await Test.createTestingModule({
    imports: [
      ClsModule.forRoot({
        global: true,
        plugins: [
          new ClsPluginTransactional({
            imports: [drizzleModule],
            adapter: new TransactionalAdapterDrizzleOrm<Db>({ drizzleInstanceToken: DRIZZLE }),
          }),
        ],
      }),
    ],
  }).compile();
  return { module, txHost: module.get<TransactionHost<TransactionalAdapterDrizzleOrm<Db>>>(TransactionHost) };
}

/**
 * The adapter types `txHost.tx` as the database it was given; inside a transaction it is that
 * database's transaction, which is what the store joins.
 */
function asTransactionHost<Db extends DrizzleDatabase & DrizzleClient>(
  txHost: TransactionHost<TransactionalAdapterDrizzleOrm<Db>>,
): TransactionHostLike<DrizzleTransactionOf<Db>> {
  return txHost as unknown as TransactionHostLike<DrizzleTransactionOf<Db>>;
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
    const openStore = (requireTransaction = false) =>
      createEventStore({
        backend: createDrizzleBackend(host.db, { tablePrefix: PREFIX }),
        events: [InvoiceIssued],
        transactionContext: transactionHostContext(asTransactionHost(txHost)),
        requireTransaction,
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
    const issue = async (id: string, through = store) => {
      await host.insertInvoice(txHost.tx, id);
      await through.append(invoice(id), InvoiceIssued.create({ cents: 100 }), { expectedVersion: 'no_stream' });
    };
    const committed = async (id: string) => ({
      invoices: await host.invoiceCount(id),
      events: await observer.streamVersion(invoice(id)),
    });
    const both = { invoices: 1, events: 1 };
    const neither = { invoices: 0, events: 0 };

    it('commits the host row and the event together', async () => {
      await txHost.withTransaction(async () => {
        await issue('c-1');
        expect(await committed('c-1')).toEqual(neither); // nobody else sees them yet
        expect(await store.streamVersion(invoice('c-1'))).toBe(1); // the transaction does
      });
      expect(await committed('c-1')).toEqual(both);
    });

    it('rolls both back when the transaction throws', async () => {
      await expect(
        txHost.withTransaction(async () => {
          await issue('r-1');
          throw new Error('the host gives up');
        }),
      ).rejects.toThrow('the host gives up');
      expect(await committed('r-1')).toEqual(neither);
    });

    it('nested calls and Promise.all share the transaction; a Nested one (a savepoint) rolls back alone', async () => {
      await txHost.withTransaction(async () => {
        await Promise.all([issue('n-1'), txHost.withTransaction(() => issue('n-2'))]);
        await expect(
          txHost.withTransaction(Propagation.Nested, async () => {
            await issue('n-3');
            throw new Error('the nested part fails');
          }),
        ).rejects.toThrow('the nested part fails');
      });
      expect([await committed('n-1'), await committed('n-2'), await committed('n-3')]).toEqual([both, both, neither]);
    });

    it('outside any transaction the store opens its own, or refuses under requireTransaction, writing nothing', async () => {
      await store.append(invoice('o-1'), InvoiceIssued.create({ cents: 1 }), { expectedVersion: 'no_stream' });
      expect((await committed('o-1')).events).toBe(1);
      const strict = openStore(true);
      await expect(
        strict.append(invoice('o-2'), InvoiceIssued.create({ cents: 1 }), { expectedVersion: 'no_stream' }),
      ).rejects.toBeInstanceOf(TransactionRequiredError);
      expect(await committed('o-2')).toEqual(neither);
      await txHost.withTransaction(() => issue('o-3', strict));
      expect(await committed('o-3')).toEqual(both);
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
