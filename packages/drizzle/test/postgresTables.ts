import type pg from 'pg';
import { configureModels } from '../src/models/index.js';
import { generateMigrationSql } from './support/index.ts';

/** Drops and recreates the store's tables under `tablePrefix`, from the shipped models by drizzle-kit. */
export async function recreatePostgresTables(pool: pg.Pool, tablePrefix: string): Promise<void> {
  for (const name of ['events', 'streams', 'snapshots', 'outbox', 'checkpoints']) {
    await pool.query(`DROP TABLE IF EXISTS ${tablePrefix}${name}`);
  }
  for (const statement of await generateMigrationSql('postgresql', configureModels('postgresql', { tablePrefix }))) {
    await pool.query(statement);
  }
}
