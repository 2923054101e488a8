/**
 * The store's tables as Prisma models. Prisma has no runtime model API: a model is schema text.
 * The package ships one `.prisma` file per provider (`models/<provider>.prisma`, prefix `es_`);
 * `prismaModels` returns that text renamed for another table prefix.
 *
 * No relative imports here: scripts/generate-test-clients.ts loads this file with Node's type
 * stripping, before the package is compiled.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TABLE_PREFIX, mysqlNameCollationStatements, tableNames } from '@es/core/sql';

/** Prisma's name for the database, as in the `provider` of a `datasource` block. */
export type PrismaProvider = 'postgresql' | 'mysql' | 'sqlite';

export const prismaProviders: readonly PrismaProvider[] = ['postgresql', 'mysql', 'sqlite'];

export interface ModelsOptions {
  /** Table-name prefix (default `es_`); the same as given to the backend. */
  readonly tablePrefix?: string;
}

/** Absolute path of the shipped models file for `provider` (prefix `es_`). */
export function modelsFile(provider: PrismaProvider): string {
  return fileURLToPath(new URL(`../../models/${provider}.prisma`, import.meta.url));
}

/** `es_` -> `Es`, `billing_es_` -> `BillingEs`: the model-name prefix for a table prefix. */
export function modelNamePrefix(tablePrefix: string): string {
  return tablePrefix
    .split('_')
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The models for `provider` as `.prisma` text (model blocks only, no datasource or generator).
 * Tables, index names and model names carry the prefix: `billing_` gives `billing_events`
 * mapped by model `BillingEvent`, so two stores can live in one schema.
 */
export function prismaModels(provider: PrismaProvider, options: ModelsOptions = {}): string {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  tableNames(prefix); // validates the prefix
  const shipped = readFileSync(modelsFile(provider), 'utf8');
  if (prefix === DEFAULT_TABLE_PREFIX) return shipped;
  // Every quoted database name in the shipped files (tables, indexes) starts with `"es_`.
  return shipped
    .replaceAll(`"${DEFAULT_TABLE_PREFIX}`, `"${prefix}`)
    .replace(/^model Es(?=\w)/gm, `model ${modelNamePrefix(prefix)}`);
}

/**
 * MySQL/MariaDB: the SQL to append to the migration that creates the store's tables. A Prisma
 * schema cannot give a column a collation, and MySQL's default ones fold case and accents: without
 * these statements `acc-A` and `acc-a` would be one stream. Create the migration with
 * `prisma migrate dev --create-only`, append this, then `prisma migrate dev`.
 */
export function mysqlCollationMigration(options: ModelsOptions = {}): string {
  const statements = mysqlNameCollationStatements(tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX));
  return `-- @es/prisma: name columns compared byte for byte, as on PostgreSQL and SQLite\n${statements.map((statement) => `${statement};\n`).join('')}`;
}
