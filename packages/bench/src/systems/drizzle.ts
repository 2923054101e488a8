import { rmSync } from 'node:fs';
import { createDrizzleBackend } from '@es/drizzle';
import Database from 'better-sqlite3';
import { drizzle as drizzleOnSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type BenchConfig, sqliteFile } from '../config.ts';
import { resetSql, storeTablesSql } from '../schema.ts';
import type { BenchSystem } from '../system.ts';
import { esSystem } from './esStore.ts';

const PREFIX = 'bd_';

/** @es/drizzle on node-postgres; tables from its models by drizzle-kit's generator. */
export function drizzlePostgres(config: BenchConfig): BenchSystem {
  return esSystem('drizzle', 'postgres', async () => {
    const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 10 });
    const backend = createDrizzleBackend(drizzlePg(pool), { tablePrefix: PREFIX });
    for (const statement of await storeTablesSql('postgres', PREFIX)) await backend.connection.execute(statement);
    return {
      backend: backend as never,
      reset: async () => {
        for (const statement of resetSql('postgres', PREFIX)) await backend.connection.execute(statement);
      },
      close: () => pool.end(),
    };
  });
}

/** @es/drizzle on better-sqlite3 (WAL), in a temporary file of its own. */
export function drizzleSqlite(config: BenchConfig): BenchSystem {
  return esSystem('drizzle', 'sqlite', async () => {
    const file = sqliteFile(config, 'drizzle');
    const client = new Database(file);
    client.pragma('journal_mode = WAL');
    const backend = createDrizzleBackend(drizzleOnSqlite(client), { tablePrefix: PREFIX });
    for (const statement of await storeTablesSql('sqlite', PREFIX)) await backend.connection.execute(statement);
    return {
      backend: backend as never,
      reset: async () => {
        for (const statement of resetSql('sqlite', PREFIX)) await backend.connection.execute(statement);
      },
      close: async () => {
        client.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  });
}
