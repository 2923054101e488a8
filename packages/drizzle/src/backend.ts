import { createSqlBackend, type SqlBackend, type SqlConnection, type SqlStoreOptions } from '@es/core/sql';
import { is } from 'drizzle-orm';
import { MySqlDialect } from 'drizzle-orm/mysql-core';
import { PgDialect } from 'drizzle-orm/pg-core';
import { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import {
  asyncConnection,
  type DrizzleAsyncHandle,
  DrizzleSqliteConnection,
  type DrizzleSqliteHandle,
} from './connection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type DrizzleBackendOptions = SqlStoreOptions;

export interface DrizzleBackend<THandle> extends SqlBackend<THandle> {
  /**
   * Runs `work` in a transaction of your database and commits it (rolls back if `work` throws):
   * `db.transaction` on PostgreSQL and MySQL; on SQLite, an async-safe `BEGIN IMMEDIATE`, since
   * Drizzle's better-sqlite3 transactions cannot await. Pass the handle to `store.withTransaction`.
   */
  runInTransaction<T>(work: (tx: THandle) => Promise<T>): Promise<T>;
}

type AsyncDatabase = DrizzleAsyncHandle & { transaction: Function };

/**
 * An event-store backend over your Drizzle database (node-postgres, mysql2 or better-sqlite3).
 * Every statement runs through the Drizzle transaction you pass with `store.withTransaction(tx)`,
 * or a transaction of its own when you pass none.
 */
export function createDrizzleBackend(
  db: DrizzleSqliteHandle,
  options?: DrizzleBackendOptions,
): DrizzleBackend<DrizzleSqliteHandle>;
export function createDrizzleBackend(
  db: AsyncDatabase,
  options?: DrizzleBackendOptions,
): DrizzleBackend<DrizzleAsyncHandle>;
export function createDrizzleBackend(
  db: AsyncDatabase | DrizzleSqliteHandle,
  options: DrizzleBackendOptions = {},
): DrizzleBackend<DrizzleAsyncHandle> | DrizzleBackend<DrizzleSqliteHandle> {
  const connection = connectionFor(db);
  const backend = createSqlBackend({
    ...options,
    name: 'drizzle',
    connection: connection as SqlConnection<unknown>,
  });
  return {
    ...backend,
    runInTransaction: (work: (tx: never) => Promise<unknown>) =>
      connection.transaction((_executor, handle) => work(handle as never)),
  } as DrizzleBackend<DrizzleAsyncHandle>;
}

function connectionFor(db: AsyncDatabase | DrizzleSqliteHandle) {
  if (is(db, BaseSQLiteDatabase)) return new DrizzleSqliteConnection(db as DrizzleSqliteHandle);
  const dialect = (db as { dialect?: unknown }).dialect;
  if (is(dialect, PgDialect)) return asyncConnection(db as AsyncDatabase, 'postgres');
  if (is(dialect, MySqlDialect)) return asyncConnection(db as AsyncDatabase, 'mysql');
  throw new TypeError('createDrizzleBackend: expected a Drizzle database on node-postgres, mysql2 or better-sqlite3');
}
