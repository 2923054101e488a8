// @es/drizzle/postgresql: the backend and models of `@es/drizzle` for PostgreSQL alone. It loads
// none of Drizzle's MySQL or SQLite modules, which Node 22 and 24 take long to load (BENCHMARKS.md).
import { type DrizzleBackend, type DrizzleBackendOptions, entryBackend } from './backend.js';
import { asyncConnectionFor } from './connection.js';
import type { DrizzlePgDatabase, DrizzleTransactionOf } from './database.js';
import { pgModels } from './models/postgres.js';
import { type EsSchema, entryModels, type ModelOptions } from './models/schema.js';

export type { DrizzleBackend, DrizzleBackendOptions, DrizzlePgDatabase, DrizzleTransactionOf, EsSchema, ModelOptions };
export { pgModels };

/** `createDrizzleBackend` of `@es/drizzle`, for a Drizzle database on node-postgres. */
export function createDrizzleBackend<TDatabase extends DrizzlePgDatabase>(
  db: TDatabase,
  options: DrizzleBackendOptions = {},
): DrizzleBackend<DrizzleTransactionOf<TDatabase>> {
  return entryBackend('postgresql', asyncConnectionFor(db, 'postgres'), options);
}

/** `configureModels('postgresql')` of `@es/drizzle`: the store's tables as pg-core models. */
export function configureModels(
  dialect: 'postgresql',
  options: ModelOptions = {},
): EsSchema<ReturnType<typeof pgModels>> {
  return entryModels('postgresql', dialect, pgModels, options);
}
