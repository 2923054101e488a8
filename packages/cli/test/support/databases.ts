import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableNames } from '@es/core/sql';
import { configureModels, type DrizzleDialect } from '@es/drizzle';
import { testDatabases } from '@es/testing/targets';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { type Dialect, dialectModule } from './app.ts';

export const DIALECTS: readonly Dialect[] = ['postgres', 'mysql', 'sqlite'];

/** The test database of this package on a server (scripts/databases.sh creates it). */
const DATABASE = 'es_cli';

const KIT_DIALECT: Record<Dialect, DrizzleDialect> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' };

/**
 * The SQL `drizzle-kit generate` writes for the application's schema (the store's models and the
 * read model's table) against an empty database, computed with drizzle-kit's own API. (@es/drizzle's
 * tests have the same helper in their test support, which is not a module another package's
 * tests can import.)
 */
async function migrationSql(dialect: Dialect): Promise<string[]> {
  const kit = await import('drizzle-kit/api');
  const { handled } = await dialectModule(dialect);
  const schema = { ...configureModels(KIT_DIALECT[dialect] as 'postgresql'), handled };
  switch (dialect) {
    case 'postgres':
      return kit.generateMigration(kit.generateDrizzleJson({}), kit.generateDrizzleJson(schema));
    case 'mysql':
      return kit.generateMySQLMigration(
        await kit.generateMySQLDrizzleJson({}),
        await kit.generateMySQLDrizzleJson(schema),
      );
    case 'sqlite':
      return kit.generateSQLiteMigration(
        await kit.generateSQLiteDrizzleJson({}),
        await kit.generateSQLiteDrizzleJson(schema),
      );
  }
}

/**
 * The database of this jest worker on a server: `base` for the first (and when run in band),
 * `base_w<N>` for the others, created when missing, so that spec files running side by side in
 * jest's workers never drop each other's tables.
 */
async function workerDatabase(dialect: Dialect, base: string): Promise<string> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  if (worker <= 1 || dialect === 'sqlite') return base;
  const database = `${base}_w${worker}`;
  if (dialect === 'mysql') {
    const client = await mysql.createConnection({ uri: testDatabases.mysql('') });
    await client.query(`CREATE DATABASE IF NOT EXISTS ${database}`).finally(() => client.end());
    return database;
  }
  const client = new pg.Client({ connectionString: testDatabases.postgres('postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return database;
}

/** Every table of the store (core's names, so a table the models gain is dropped too) and the read model's. */
const TABLES = [...Object.values(tableNames()), 'cli_handled'];

/**
 * A database holding the application's tables and nothing else, created by drizzle-kit's
 * migration SQL: a SQLite file of its own, or the package's database on the server with its
 * tables dropped first. Returns what `ES_CLI_DATABASE` names it by. The event browser's tests
 * (packages/ui) open this same application in their own database.
 */
export async function freshDatabase(dialect: Dialect, base = DATABASE): Promise<string> {
  const statements = await migrationSql(dialect);
  const database = await workerDatabase(dialect, base);
  switch (dialect) {
    case 'sqlite': {
      const file = join(mkdtempSync(join(tmpdir(), 'es-cli-')), 'app.db');
      const client = new Database(file);
      for (const statement of statements) client.exec(statement);
      client.close();
      return file;
    }
    case 'postgres': {
      const url = testDatabases.postgres(database);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')} CASCADE`);
        for (const statement of statements) await client.query(statement);
      } finally {
        await client.end();
      }
      return url;
    }
    case 'mysql': {
      const url = testDatabases.mysql(database);
      const client = await mysql.createConnection({ uri: url });
      try {
        await client.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')}`);
        for (const statement of statements) await client.query(statement);
      } finally {
        await client.end();
      }
      return url;
    }
  }
}
