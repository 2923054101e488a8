// @es/drizzle/mysql: the backend and models of `@es/drizzle` for MySQL and MariaDB alone. It loads
// none of Drizzle's PostgreSQL or SQLite modules, which Node 22 and 24 take long to load (BENCHMARKS.md).
import { type DrizzleBackend, type DrizzleBackendOptions, entryBackend } from './backend.js';
import { asyncConnectionFor } from './connection.js';
import type { DrizzleMySqlDatabase, DrizzleTransactionOf } from './database.js';
import { mysqlModels } from './models/mysql.js';
import { type EsSchema, entryModels, type ModelOptions } from './models/schema.js';

export type {
  DrizzleBackend,
  DrizzleBackendOptions,
  DrizzleMySqlDatabase,
  DrizzleTransactionOf,
  EsSchema,
  ModelOptions,
};
export { mysqlModels };

/** `createDrizzleBackend` of `@es/drizzle`, for a Drizzle database on mysql2. */
export function createDrizzleBackend<TDatabase extends DrizzleMySqlDatabase>(
  db: TDatabase,
  options: DrizzleBackendOptions = {},
): DrizzleBackend<DrizzleTransactionOf<TDatabase>> {
  return entryBackend('mysql', asyncConnectionFor(db, 'mysql'), options);
}

/** `configureModels('mysql')` of `@es/drizzle`: the store's tables as mysql-core models. */
export function configureModels(
  dialect: 'mysql',
  options: ModelOptions = {},
): EsSchema<ReturnType<typeof mysqlModels>> {
  return entryModels('mysql', dialect, mysqlModels, options);
}
