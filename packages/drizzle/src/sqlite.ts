// @es/drizzle/sqlite: the backend and models of `@es/drizzle` for SQLite (better-sqlite3) alone. It
// loads none of Drizzle's PostgreSQL or MySQL modules, which Node 22 and 24 take long to load (BENCHMARKS.md).
import { type DrizzleBackend, type DrizzleBackendOptions, entryBackend } from './backend.js';
import type { DrizzleSqliteDatabase, DrizzleTransactionOf } from './database.js';
import { type EsSchema, entryModels, type ModelOptions } from './models/schema.js';
import { sqliteModels } from './models/sqlite.js';
import { sqliteConnectionFor } from './sqliteConnection.js';

export type {
  DrizzleBackend,
  DrizzleBackendOptions,
  DrizzleSqliteDatabase,
  DrizzleTransactionOf,
  EsSchema,
  ModelOptions,
};
export { sqliteModels };

/** `createDrizzleBackend` of `@es/drizzle`, for a Drizzle database on better-sqlite3. */
export function createDrizzleBackend<TDatabase extends DrizzleSqliteDatabase>(
  db: TDatabase,
  options: DrizzleBackendOptions = {},
): DrizzleBackend<DrizzleTransactionOf<TDatabase>> {
  return entryBackend('sqlite', sqliteConnectionFor(db), options);
}

/** `configureModels('sqlite')` of `@es/drizzle`: the store's tables as sqlite-core models. */
export function configureModels(
  dialect: 'sqlite',
  options: ModelOptions = {},
): EsSchema<ReturnType<typeof sqliteModels>> {
  return entryModels('sqlite', dialect, sqliteModels, options);
}
