import { InvalidArgumentError } from '@es/core';
import { createSqlBackend, type SqlBackend, type SqlConnection, type SqlStoreOptions } from '@es/core/sql';
import { is } from 'drizzle-orm';
import { BetterSQLiteSession } from 'drizzle-orm/better-sqlite3/session';
import { MySqlDialect } from 'drizzle-orm/mysql-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { asyncConnection, type DrizzleAsyncDatabase } from './connection.js';
import type { DrizzleDatabase, DrizzleTransactionOf } from './database.js';
import { DrizzleSqliteConnection, type DrizzleSqliteDatabase } from './sqliteConnection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type DrizzleBackendOptions = SqlStoreOptions;

/**
 * The backend over your database; `TTransaction` is your database's own transaction type.
 * `runInTransaction(async (tx) => ...)` is `db.transaction` on PostgreSQL and MySQL; on SQLite, an
 * async-safe `BEGIN IMMEDIATE`, since Drizzle's better-sqlite3 transactions cannot await.
 */
export type DrizzleBackend<TTransaction> = SqlBackend<TTransaction>;

/**
 * An event-store backend over your Drizzle database (node-postgres, mysql2 or better-sqlite3).
 * Every statement runs through the Drizzle transaction you pass with `store.withTransaction(tx)`,
 * or a transaction of its own when you pass none. Handles are typed as your database's own
 * transaction (`DrizzleTransactionOf`), schema included, so `tx.insert(table)` needs no cast.
 */
export function createDrizzleBackend<TDatabase extends DrizzleDatabase>(
  db: TDatabase,
  options: DrizzleBackendOptions = {},
): DrizzleBackend<DrizzleTransactionOf<TDatabase>> {
  // The connections work on what they need of a handle; the handles they give and take are the
  // database's own transactions.
  const connection = connectionFor(db) as SqlConnection<unknown> as SqlConnection<DrizzleTransactionOf<TDatabase>>;
  return createSqlBackend({ ...options, name: 'drizzle', connection });
}

function connectionFor(db: DrizzleDatabase) {
  if (is(db, BaseSQLiteDatabase)) {
    if (!is((db as unknown as { session?: unknown }).session, BetterSQLiteSession)) throw unsupported();
    return new DrizzleSqliteConnection(db as unknown as DrizzleSqliteDatabase);
  }
  const { dialect } = db as { dialect?: unknown };
  if (is(dialect, PgDialect)) return asyncConnection(db as unknown as DrizzleAsyncDatabase, 'postgres');
  if (is(dialect, MySqlDialect)) return asyncConnection(db as unknown as DrizzleAsyncDatabase, 'mysql');
  throw unsupported();
}

const unsupported = () =>
  new InvalidArgumentError(
    'createDrizzleBackend: expected a Drizzle database on node-postgres, mysql2 or better-sqlite3',
  );
