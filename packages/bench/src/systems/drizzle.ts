import { rmSync } from 'node:fs';
import { createDrizzleBackend, type DrizzleDatabase } from '@es/drizzle';
import Database from 'better-sqlite3';
import { drizzle as drizzleOnSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type BenchConfig, sqliteFile } from '../config.ts';
import { resetSql, storeTablesSql } from '../schema.ts';
import type { BenchSystem, Dialect } from '../system.ts';
import { esSystem, type OpenedBackend } from './esStore.ts';

const PREFIX = 'bd_';

/** @es/drizzle on PostgreSQL; tables from its models by drizzle-kit's generator. */
export function drizzlePostgres(config: BenchConfig): BenchSystem {
  return esSystem(
    'drizzle',
    'postgres',
    () => {
      const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 10 });
      return openDrizzle('postgres', drizzlePg(pool), () => pool.end());
    },
    { kind: 'drizzle-postgres', url: config.postgresUrl, tablePrefix: PREFIX },
  );
}

/** @es/drizzle on better-sqlite3 (WAL), in a temporary file of its own. */
export function drizzleSqlite(config: BenchConfig): BenchSystem {
  return esSystem('drizzle', 'sqlite', () => {
    const file = sqliteFile(config, 'drizzle');
    const client = new Database(file);
    client.pragma('journal_mode = WAL');
    return openDrizzle('sqlite', drizzleOnSqlite(client), async () => {
      client.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    });
  });
}

/** The backend on a Drizzle database, its tables created by drizzle-kit's SQL and emptied by `reset`. */
async function openDrizzle(dialect: Dialect, db: DrizzleDatabase, close: () => Promise<void>): Promise<OpenedBackend> {
  const backend = createDrizzleBackend(db, { tablePrefix: PREFIX });
  const execute = async (statements: readonly string[]) => {
    for (const statement of statements) await backend.connection.execute(statement);
  };
  await execute(await storeTablesSql(dialect, PREFIX));
  return { backend: backend as never, reset: () => execute(resetSql(dialect, PREFIX)), close };
}
