import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableNames } from '@es/core/sql';
import {
  configureModels,
  createDrizzleBackend,
  type DrizzleAsyncHandle,
  type DrizzleBackend,
  type DrizzleDialect,
  type DrizzleSqliteHandle,
} from '@es/drizzle';
import { type ConformanceTarget, sqlTargetTables, testDatabases } from '@es/testing/targets';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { mysqlTable, varchar as mysqlVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { pgTable, varchar } from 'drizzle-orm/pg-core';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { generateMigrationSql } from './migrations.ts';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';
type Handle = DrizzleAsyncHandle | DrizzleSqliteHandle;

const PREFIX = 'ck_';
const DATABASE = 'es_drizzle';
const SQLITE_FILE = join(tmpdir(), 'es-drizzle-conformance.sqlite');
const kitDialect: Record<Dialect, DrizzleDialect> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' };

/** The host's own table, modelled with Drizzle like any table of the host application. */
const hostRows = {
  postgres: pgTable(`${PREFIX}host_rows`, { id: varchar('id', { length: 200 }).primaryKey() }),
  mysql: mysqlTable(`${PREFIX}host_rows`, { id: mysqlVarchar('id', { length: 200 }).primaryKey() }),
  sqlite: sqliteTable(`${PREFIX}host_rows`, { id: text('id').primaryKey() }),
};

/**
 * @es/drizzle as a conformance target: tables created from the shipped models by drizzle-kit's
 * migration generator, the host's writes through Drizzle's query builder.
 */
export function drizzleTarget(dialect: Dialect, options: { createTables?: boolean } = {}): ConformanceTarget<Handle> {
  const tables = tableNames(PREFIX);
  const hostTable = `${PREFIX}host_rows`;
  let backend: DrizzleBackend<Handle> | undefined;
  let close: () => Promise<void> = async () => {};
  const sqliteClients: Database.Database[] = [];

  const openSqlite = () => {
    const client = new Database(SQLITE_FILE);
    client.pragma('journal_mode = WAL');
    sqliteClients.push(client);
    return createDrizzleBackend(drizzleSqlite(client), { tablePrefix: PREFIX }) as DrizzleBackend<Handle>;
  };

  const root = () => {
    if (!backend) throw new Error('target not set up');
    return backend;
  };
  const db = (handle: Handle) => handle as unknown as ReturnType<typeof drizzlePg> & ReturnType<typeof drizzleMysql>;

  return {
    backend: 'drizzle',
    dialect,
    processModule: fileURLToPath(new URL('./process.ts', import.meta.url)),
    async setup() {
      process.env.ES_CONFORMANCE_DIALECT = dialect;
      if (dialect === 'postgres') {
        const pool = new pg.Pool({ connectionString: testDatabases.postgres(DATABASE), max: 16 });
        backend = createDrizzleBackend(drizzlePg(pool), { tablePrefix: PREFIX }) as DrizzleBackend<Handle>;
        close = () => pool.end();
      } else if (dialect === 'mysql') {
        const pool = mysql.createPool({ uri: testDatabases.mysql(DATABASE), connectionLimit: 16 });
        backend = createDrizzleBackend(drizzleMysql(pool), { tablePrefix: PREFIX }) as DrizzleBackend<Handle>;
        close = () => pool.end();
      } else {
        backend = openSqlite();
        close = async () => {
          for (const client of sqliteClients.splice(0)) client.close();
        };
      }
      if (options.createTables === false) return;
      const connection = root().connection;
      for (const table of [...Object.values(tables), hostTable])
        await connection.execute(`DROP TABLE IF EXISTS ${table}`);
      const schema = {
        ...configureModels(kitDialect[dialect] as 'postgresql', { tablePrefix: PREFIX }),
        host: hostRows[dialect],
      };
      for (const statement of await generateMigrationSql(kitDialect[dialect], schema)) {
        await connection.execute(statement);
      }
    },
    backendInstance: () => (dialect === 'sqlite' ? openSqlite() : root()),
    reset: () => sqlTargetTables(root().connection, tables, hostTable).reset(),
    countRows: () => sqlTargetTables(root().connection, tables, hostTable).countRows(),
    hostRowIds: () => sqlTargetTables(root().connection, tables, hostTable).hostRowIds(),
    hostTransaction: (work) => root().runInTransaction(work),
    async writeHostRow(handle, id) {
      const insert = db(handle)
        .insert(hostRows[dialect] as typeof hostRows.postgres)
        .values({ id });
      await (dialect === 'sqlite' ? (insert as unknown as { run(): unknown }).run() : insert);
    },
    async clearHostRows(handle) {
      const remove = db(handle).delete(hostRows[dialect] as typeof hostRows.postgres);
      await (dialect === 'sqlite' ? (remove as unknown as { run(): unknown }).run() : remove);
    },
    async teardown() {
      await close();
    },
  };
}
