import { mysqlModels } from './mysql.js';
import { pgModels } from './postgres.js';
import { sqliteModels } from './sqlite.js';

export { mysqlModels, pgModels, sqliteModels };

/** Drizzle's dialect names, as in drizzle.config.ts. */
export type DrizzleDialect = 'postgresql' | 'mysql' | 'sqlite';

export interface ModelOptions {
  /** Table-name prefix (default `es_`); the backend must use the same. */
  readonly tablePrefix?: string;
}

/**
 * The store's tables as Drizzle models, keyed for a schema module: export them from the file
 * drizzle.config.ts points at (`export const { esEvents, ... } = configureModels('postgresql')`)
 * and `drizzle-kit generate` writes them into your next migration.
 */
export function configureModels(dialect: 'postgresql', options?: ModelOptions): EsSchema<ReturnType<typeof pgModels>>;
export function configureModels(dialect: 'mysql', options?: ModelOptions): EsSchema<ReturnType<typeof mysqlModels>>;
export function configureModels(dialect: 'sqlite', options?: ModelOptions): EsSchema<ReturnType<typeof sqliteModels>>;
export function configureModels(dialect: DrizzleDialect, options: ModelOptions = {}) {
  const models =
    dialect === 'postgresql'
      ? pgModels(options.tablePrefix)
      : dialect === 'mysql'
        ? mysqlModels(options.tablePrefix)
        : sqliteModels(options.tablePrefix);
  return Object.fromEntries(
    Object.entries(models).map(([name, table]) => [`es${name[0]?.toUpperCase()}${name.slice(1)}`, table]),
  );
}

/** `{ streams, events }` -> `{ esStreams, esEvents }`: names that will not clash in a host schema. */
export type EsSchema<T> = { [K in keyof T & string as `es${Capitalize<K>}`]: T[K] };
