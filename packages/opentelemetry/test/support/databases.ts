import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStoreBackend } from '@es/core';
import { tableNames } from '@es/core/sql';
import { configureModels, createDrizzleBackend } from '@es/drizzle';
import { testDatabases } from '@es/testing/targets';
import Database from 'better-sqlite3';
import { drizzle as drizzleOnSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzleOnPostgres } from 'drizzle-orm/node-postgres';
import pg from 'pg';

export const TABLE_PREFIX = 'otel_';
export const postgresUrl = testDatabases.postgres('es_opentelemetry');

/** A store's backend on a real database, its tables created by drizzle-kit from @es/drizzle's models. */
export interface OpenedDatabase {
  readonly backend: EventStoreBackend<unknown>;
  /** Empties the store's tables. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const { logHead: _, ...storeTables } = tableNames(TABLE_PREFIX);

/** What `drizzle-kit generate` writes for the models against an empty database, by its own API. */
async function createTables(dialect: 'postgresql' | 'sqlite', run: (statement: string) => Promise<unknown>) {
  const kit = await import('drizzle-kit/api');
  const options = { tablePrefix: TABLE_PREFIX };
  const statements =
    dialect === 'postgresql'
      ? await kit.generateMigration(
          kit.generateDrizzleJson({}),
          kit.generateDrizzleJson(configureModels('postgresql', options)),
        )
      : await kit.generateSQLiteMigration(
          await kit.generateSQLiteDrizzleJson({}),
          await kit.generateSQLiteDrizzleJson(configureModels('sqlite', options)),
        );
  for (const table of Object.values(storeTables)) await run(`DROP TABLE IF EXISTS ${table}`);
  for (const statement of statements) await run(statement);
}

export async function openPostgres(): Promise<OpenedDatabase> {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
  await createTables('postgresql', (statement) => pool.query(statement));
  return {
    backend: createDrizzleBackend(drizzleOnPostgres(pool), { tablePrefix: TABLE_PREFIX }) as never,
    reset: async () => {
      await pool.query(`TRUNCATE ${Object.values(storeTables).join(', ')} RESTART IDENTITY`);
    },
    close: () => pool.end(),
  };
}

export async function openSqlite(): Promise<OpenedDatabase> {
  const file = join(tmpdir(), `es-opentelemetry-${process.pid}.sqlite`);
  const client = new Database(file);
  client.pragma('journal_mode = WAL');
  await createTables('sqlite', async (statement) => client.exec(statement));
  return {
    backend: createDrizzleBackend(drizzleOnSqlite(client), { tablePrefix: TABLE_PREFIX }) as never,
    reset: async () => {
      for (const table of Object.values(storeTables)) client.exec(`DELETE FROM ${table}`);
    },
    close: async () => {
      client.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

export const databases: [string, () => Promise<OpenedDatabase>][] = [
  ['PostgreSQL', openPostgres],
  ['SQLite', openSqlite],
];
