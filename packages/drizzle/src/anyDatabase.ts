import { InvalidArgumentError } from '@es/core';
import { type DrizzleBackend, type DrizzleBackendOptions, drizzleBackend } from './backend.js';
import { asyncConnectionFor } from './connection.js';
import type { DrizzleDatabase, DrizzleTransactionOf } from './database.js';
import { sqliteConnectionFor } from './sqliteConnection.js';

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
  const connection = sqliteConnectionFor(db) ?? asyncConnectionFor(db, 'postgres') ?? asyncConnectionFor(db, 'mysql');
  if (!connection)
    throw new InvalidArgumentError(
      'createDrizzleBackend: expected a Drizzle database on node-postgres, mysql2 or better-sqlite3',
    );
  return drizzleBackend(connection, options);
}
