import { tableNames } from '@es/core/sql';
import type pg from 'pg';
import { configureModels } from '../src/models/index.js';
import { generateMigrationSql } from './support/index.ts';

/** Drops and recreates the store's tables under `tablePrefix`, from the shipped models by drizzle-kit. */
export async function recreatePostgresTables(pool: pg.Pool, tablePrefix: string): Promise<void> {
  // Every table of the prefix core knows of (MySQL's log head is not on PostgreSQL).
  const { logHead: _, ...tables } = tableNames(tablePrefix);
  for (const table of Object.values(tables)) await pool.query(`DROP TABLE IF EXISTS ${table}`);
  for (const statement of await generateMigrationSql('postgresql', configureModels('postgresql', { tablePrefix }))) {
    await pool.query(statement);
  }
}
