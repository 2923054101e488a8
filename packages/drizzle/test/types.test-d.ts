// Type-level tests: checked by `pnpm typecheck` (tsc), never run. They pin what users see: the
// handles the backend gives and takes are their database's own transaction type, schema included,
// so `tx.insert(table)` typechecks with no cast.
import { createEventStore, defineEvent } from '@es/core';
import type Database from 'better-sqlite3';
import type { RunResult } from 'better-sqlite3';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import type { MySqlTransaction } from 'drizzle-orm/mysql-core';
import { int, mysqlTable } from 'drizzle-orm/mysql-core';
import { drizzle as drizzleMysql, type MySql2PreparedQueryHKT, type MySql2QueryResultHKT } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import { integer, type PgTransaction, pgTable } from 'drizzle-orm/pg-core';
import { type SQLiteTransaction, integer as sqliteInteger, sqliteTable } from 'drizzle-orm/sqlite-core';
import { expectTypeOf } from 'expect-type';
import type mysql from 'mysql2/promise';
import type pg from 'pg';
import { z } from 'zod';
import { configureModels, createDrizzleBackend, type DrizzleBackend, type DrizzleTransactionOf } from '../src/index.js';
import * as mysqlEntry from '../src/mysql.js';
import * as postgresEntry from '../src/postgresql.js';
import * as sqliteEntry from '../src/sqlite.js';

const Issued = defineEvent('Issued', z.object({ cents: z.number() }));

declare const pool: pg.Pool;
declare const mysqlPool: mysql.Pool;
declare const sqliteClient: Database.Database;

async function onPostgres() {
  const invoices = pgTable('invoices', { cents: integer('cents').notNull() });
  const schema = { invoices };
  const db = drizzlePg(pool, { schema });
  type Tx = PgTransaction<NodePgQueryResultHKT, typeof schema, ExtractTablesWithRelations<typeof schema>>;

  const backend = createDrizzleBackend(db);
  expectTypeOf(backend).toEqualTypeOf<DrizzleBackend<Tx>>();
  expectTypeOf<DrizzleTransactionOf<typeof db>>().toEqualTypeOf<Tx>();

  const store = createEventStore({
    backend,
    events: [Issued],
    projections: [
      {
        name: 'invoices',
        async handle(events, { transaction }) {
          expectTypeOf(transaction).toEqualTypeOf<Tx>();
          for (const event of events) await transaction.insert(invoices).values({ cents: event.data.cents });
        },
      },
    ],
  });
  expectTypeOf(store.withTransaction).parameter(0).toEqualTypeOf<Tx>();

  await backend.runInTransaction(async (tx) => {
    expectTypeOf(tx).toEqualTypeOf<Tx>();
    await tx.insert(invoices).values({ cents: 1 });
    await store.withTransaction(tx).append({ category: 'invoice', id: '1' }, Issued.create({ cents: 1 }), {
      expectedVersion: 'no_stream',
    });
  });
  // The transaction your own db.transaction gives is the same type.
  await db.transaction(async (tx) => {
    await tx.insert(invoices).values({ cents: 2 });
    await store.withTransaction(tx).append({ category: 'invoice', id: '2' }, Issued.create({ cents: 2 }), {
      expectedVersion: 'no_stream',
    });
  });
  // @ts-expect-error: the database is not a transaction handle of this store
  store.withTransaction(drizzleSqlite(sqliteClient));
}

async function onMysql() {
  const invoices = mysqlTable('invoices', { cents: int('cents').notNull() });
  const schema = { invoices };
  const db = drizzleMysql(mysqlPool, { schema, mode: 'default' });
  type Tx = MySqlTransaction<
    MySql2QueryResultHKT,
    MySql2PreparedQueryHKT,
    typeof schema,
    ExtractTablesWithRelations<typeof schema>
  >;

  const backend = createDrizzleBackend(db);
  expectTypeOf(backend).toEqualTypeOf<DrizzleBackend<Tx>>();
  const store = createEventStore({ backend, events: [Issued] });
  await db.transaction(async (tx) => {
    expectTypeOf(tx).toEqualTypeOf<Tx>();
    await tx.insert(invoices).values({ cents: 1 });
    await store.withTransaction(tx).append({ category: 'invoice', id: '1' }, Issued.create({ cents: 1 }), {
      expectedVersion: 'no_stream',
    });
  });
}

async function onSqlite() {
  const invoices = sqliteTable('invoices', { cents: sqliteInteger('cents').notNull() });
  const schema = { invoices };
  const db = drizzleSqlite(sqliteClient, { schema });
  type Tx = SQLiteTransaction<'sync', RunResult, typeof schema, ExtractTablesWithRelations<typeof schema>>;

  const backend = createDrizzleBackend(db);
  expectTypeOf(backend).toEqualTypeOf<DrizzleBackend<Tx>>();
  const store = createEventStore({
    backend,
    events: [Issued],
    projections: [
      {
        name: 'invoices',
        async handle(events, { transaction }) {
          expectTypeOf(transaction).toEqualTypeOf<Tx>();
          for (const event of events) transaction.insert(invoices).values({ cents: event.data.cents }).run();
        },
      },
    ],
  });
  await backend.runInTransaction(async (tx) => {
    expectTypeOf(tx).toEqualTypeOf<Tx>();
    tx.insert(invoices).values({ cents: 1 }).run();
    await store.withTransaction(tx).append({ category: 'invoice', id: '1' }, Issued.create({ cents: 1 }), {
      expectedVersion: 'no_stream',
    });
  });
}

// Each dialect's entry gives the same typed backend and models for its own database, and the
// compiler refuses another dialect's.
function dialectEntries() {
  const pgDb = drizzlePg(pool);
  const mysqlDb = drizzleMysql(mysqlPool);
  const sqliteDb = drizzleSqlite(sqliteClient);
  expectTypeOf(postgresEntry.createDrizzleBackend(pgDb)).toEqualTypeOf(createDrizzleBackend(pgDb));
  expectTypeOf(mysqlEntry.createDrizzleBackend(mysqlDb)).toEqualTypeOf(createDrizzleBackend(mysqlDb));
  expectTypeOf(sqliteEntry.createDrizzleBackend(sqliteDb)).toEqualTypeOf(createDrizzleBackend(sqliteDb));
  expectTypeOf(postgresEntry.configureModels('postgresql')).toEqualTypeOf(configureModels('postgresql'));
  expectTypeOf(mysqlEntry.configureModels('mysql')).toEqualTypeOf(configureModels('mysql'));
  expectTypeOf(sqliteEntry.configureModels('sqlite')).toEqualTypeOf(configureModels('sqlite'));
  // @ts-expect-error: the PostgreSQL entry takes no SQLite database
  postgresEntry.createDrizzleBackend(sqliteDb);
  // @ts-expect-error: the SQLite entry takes no PostgreSQL database
  sqliteEntry.createDrizzleBackend(pgDb);
  // @ts-expect-error: the MySQL entry makes no PostgreSQL models
  mysqlEntry.configureModels('postgresql');
}

// A database the backend does not run on is refused by the compiler.
// @ts-expect-error: not a Drizzle database
createDrizzleBackend({ execute: async () => [] });

export { dialectEntries, onMysql, onPostgres, onSqlite };
