import { InvalidArgumentError } from '@es/core';

/** Drizzle's dialect names, as in drizzle.config.ts. */
export type DrizzleDialect = 'postgresql' | 'mysql' | 'sqlite';

/** The driver each dialect's entry takes (`@es/drizzle/<dialect>`); the compiler keeps it complete. */
export const ENTRY_DRIVERS = {
  postgresql: 'node-postgres',
  mysql: 'mysql2',
  sqlite: 'better-sqlite3',
} as const satisfies Record<DrizzleDialect, string>;

/** Every dialect name, in `ENTRY_DRIVERS`' order. */
export const DIALECTS = Object.keys(ENTRY_DRIVERS) as readonly DrizzleDialect[];

/** `dialect`, if it is one of `accepted` (Drizzle's names); anything else is refused, never guessed. */
export function checkedDialect<T extends DrizzleDialect>(
  dialect: T,
  accepted: readonly DrizzleDialect[] = DIALECTS,
): T {
  if (!accepted.includes(dialect))
    throw new InvalidArgumentError(
      `configureModels: expected the dialect ${accepted.map((name) => `'${name}'`).join(', ')} (as in drizzle.config.ts), got ${JSON.stringify(dialect)}`,
    );
  return dialect;
}

export interface ModelOptions {
  /** Table-name prefix (default `es_`); the backend must use the same. */
  readonly tablePrefix?: string;
}

/** `{ streams, events }` -> `{ esStreams, esEvents }`: names that will not clash in a host schema. */
export type EsSchema<T> = { [K in keyof T & string as `es${Capitalize<K>}`]: T[K] };

/** A dialect's models under the names a host schema exports them by. */
export function esSchema<T extends object>(models: T): EsSchema<T> {
  return Object.fromEntries(
    Object.entries(models).map(([name, table]) => [`es${name[0]?.toUpperCase()}${name.slice(1)}`, table]),
  ) as EsSchema<T>;
}

/** `configureModels` of one dialect's entry: `given` must be that dialect. */
export function entryModels<T extends object>(
  dialect: DrizzleDialect,
  given: DrizzleDialect,
  models: (tablePrefix?: string) => T,
  options: ModelOptions,
): EsSchema<T> {
  checkedDialect(given, [dialect]);
  return esSchema(models(options.tablePrefix));
}
