import { InvalidArgumentError } from '@es/core';
import { createSqlBackend, type SqlBackend, type SqlConnection, type SqlStoreOptions } from '@es/core/sql';
import type { DrizzleAsyncHandle } from './connection.js';
import { DIALECTS, type DrizzleDialect, ENTRY_DRIVERS } from './models/schema.js';
import type { DrizzleSqliteHandle } from './sqliteConnection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type DrizzleBackendOptions = SqlStoreOptions;

/**
 * The backend over your database; `TTransaction` is your database's own transaction type.
 * `runInTransaction(async (tx) => ...)` is `db.transaction` on PostgreSQL and MySQL; on SQLite, an
 * async-safe `BEGIN IMMEDIATE`, since Drizzle's better-sqlite3 transactions cannot await.
 */
export type DrizzleBackend<TTransaction> = SqlBackend<TTransaction>;

/**
 * The backend on a connection: the connections work on what they need of a handle; the handles
 * they give and take are the database's own transactions.
 */
export function drizzleBackend<TTransaction>(
  connection: SqlConnection<DrizzleAsyncHandle> | SqlConnection<DrizzleSqliteHandle>,
  options: DrizzleBackendOptions,
): DrizzleBackend<TTransaction> {
  const typed = connection as SqlConnection<unknown> as SqlConnection<TTransaction>;
  return createSqlBackend({ ...options, name: 'drizzle', connection: typed });
}

/**
 * The backend of one dialect's entry: `connection` is the database's if it is of that dialect, and
 * undefined for any other, which is refused, naming the entries to import instead.
 */
export function entryBackend<TTransaction>(
  dialect: DrizzleDialect,
  connection: SqlConnection<DrizzleAsyncHandle> | SqlConnection<DrizzleSqliteHandle> | undefined,
  options: DrizzleBackendOptions,
): DrizzleBackend<TTransaction> {
  if (!connection) {
    const others = DIALECTS.filter((other) => other !== dialect);
    throw new InvalidArgumentError(
      `@es/drizzle/${dialect}: expected a Drizzle database on ${ENTRY_DRIVERS[dialect]}; for another, import from ` +
        `${others.map((other) => `@es/drizzle/${other}`).join(', ')} or @es/drizzle`,
    );
  }
  return drizzleBackend(connection, options);
}
