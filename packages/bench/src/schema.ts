import { type TableNames, tableNames } from '@es/core/sql';
import { configureModels } from '@es/drizzle';
import type { Dialect } from './system.ts';

/** The store's tables of one dialect (MySQL's log-head row is not among them). */
export function storeTables(prefix: string): Omit<TableNames, 'logHead'> {
  const { logHead: _, ...tables } = tableNames(prefix);
  return tables;
}

/**
 * The DDL of the store's tables under `prefix`, as drizzle-kit generates it from @es/drizzle's
 * models. The floor uses the same tables as the @es backends, so the difference between them
 * is the library's work, not the schema's.
 */
export async function storeTablesSql(dialect: Dialect, prefix: string): Promise<string[]> {
  const drops = Object.values(storeTables(prefix)).map(
    (table) => `DROP TABLE IF EXISTS ${table}${dialect === 'postgres' ? ' CASCADE' : ''}`,
  );
  return [...drops, ...(await firstMigrationSql(dialect, prefix))];
}

/** What `drizzle-kit generate` writes for the models against an empty database, by its own API. */
async function firstMigrationSql(dialect: Dialect, prefix: string): Promise<string[]> {
  const kit = await import('drizzle-kit/api');
  if (dialect === 'postgres') {
    const models = configureModels('postgresql', { tablePrefix: prefix });
    return kit.generateMigration(kit.generateDrizzleJson({}), kit.generateDrizzleJson(models));
  }
  const models = configureModels('sqlite', { tablePrefix: prefix });
  return kit.generateSQLiteMigration(
    await kit.generateSQLiteDrizzleJson({}),
    await kit.generateSQLiteDrizzleJson(models),
  );
}

/** Empties the tables and restarts positions. */
export function resetSql(dialect: Dialect, prefix: string): string[] {
  return resetTablesSql(dialect, storeTables(prefix));
}

/** `resetSql` for the store tables named `tables` (a backend's own, whatever its prefix). */
export function resetTablesSql(dialect: Dialect, tables: TableNames | Omit<TableNames, 'logHead'>): string[] {
  const { logHead: _, ...store } = tables as TableNames;
  const names = Object.values(store);
  if (dialect === 'postgres') return [`TRUNCATE ${names.join(', ')} RESTART IDENTITY`];
  return names.map((table) => `DELETE FROM ${table}`);
}
