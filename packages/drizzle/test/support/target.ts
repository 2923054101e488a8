import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableNames } from '@es/core/sql';
import {
  configureModels,
  createDrizzleBackend,
  type DrizzleBackend,
  type DrizzleDialect,
  type DrizzleTransactionOf,
} from '@es/drizzle';
import { type ConformanceTarget, sqlTargetTables, testDatabases } from '@es/testing/targets';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { mysqlTable, varchar as mysqlVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { pgTable, varchar } from 'drizzle-orm/pg-core';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { generateMigrationSql } from './migrations.ts';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';
type PostgresTransaction = DrizzleTransactionOf<NodePgDatabase>;
type MysqlTransaction = DrizzleTransactionOf<MySql2Database>;
type SqliteTransaction = DrizzleTransactionOf<BetterSQLite3Database>;
/** The transaction of whichever dialect the target runs; each write below knows its own. */
type Handle = PostgresTransaction | MysqlTransaction | SqliteTransaction;

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
      if (dialect === 'postgres') await (handle as PostgresTransaction).insert(hostRows.postgres).values({ id });
      else if (dialect === 'mysql') await (handle as MysqlTransaction).insert(hostRows.mysql).values({ id });
      else (handle as SqliteTransaction).insert(hostRows.sqlite).values({ id }).run();
    },
    async clearHostRows(handle) {
      if (dialect === 'postgres') await (handle as PostgresTransaction).delete(hostRows.postgres);
      else if (dialect === 'mysql') await (handle as MysqlTransaction).delete(hostRows.mysql);
      else (handle as SqliteTransaction).delete(hostRows.sqlite).run();
    },
    async teardown() {
      await close();
    },
  };
}
