import type { SqlDialectName } from '@es/core/sql';
import {
  configureModels,
  createDrizzleBackend,
  type DrizzleBackend,
  type DrizzleDialect,
  type DrizzleTransactionOf,
} from '@es/drizzle';
import {
  type AmbientHost,
  CONFORMANCE_TABLE_PREFIX,
  defineSqlTarget,
  hostTableName,
  type SqlTargetFactory,
} from '@es/testing/targets';
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

type PostgresTransaction = DrizzleTransactionOf<NodePgDatabase>;
type MysqlTransaction = DrizzleTransactionOf<MySql2Database>;
type SqliteTransaction = DrizzleTransactionOf<BetterSQLite3Database>;
/** The transaction of whichever dialect the target runs; each write below knows its own. */
type Handle = PostgresTransaction | MysqlTransaction | SqliteTransaction;

const HOST_TABLE = hostTableName(CONFORMANCE_TABLE_PREFIX);
const kitDialect: Record<SqlDialectName, DrizzleDialect> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' };

/** The host's own table, modelled with Drizzle like any table of the host application. */
const hostRows = {
  postgres: pgTable(HOST_TABLE, { id: varchar('id', { length: 200 }).primaryKey() }),
  mysql: mysqlTable(HOST_TABLE, { id: mysqlVarchar('id', { length: 200 }).primaryKey() }),
  sqlite: sqliteTable(HOST_TABLE, { id: text('id').primaryKey() }),
};

/** A Drizzle database over the dialect's driver, as the host opens it, and how to close it. */
function openDatabase(dialect: SqlDialectName, database: string) {
  switch (dialect) {
    case 'postgres': {
      const pool = new pg.Pool({ connectionString: database, max: 16 });
      return { drizzle: drizzlePg(pool), close: () => pool.end() };
    }
    case 'mysql': {
      const pool = mysql.createPool({ uri: database, connectionLimit: 16 });
      return { drizzle: drizzleMysql(pool), close: () => pool.end() };
    }
    case 'sqlite': {
      const client = new Database(database);
      return { drizzle: drizzleSqlite(client), close: async () => void client.close() };
    }
  }
}

/**
 * @es/drizzle as a conformance target: tables created from the shipped models by drizzle-kit's
 * migration generator, the host's writes through Drizzle's query builder.
 */
export const drizzleTarget: SqlTargetFactory<Handle> = defineSqlTarget({
  name: 'drizzle',
  processModule: new URL('./process.ts', import.meta.url),
  onDialect: (dialect) => ({
    open(database) {
      const { drizzle, close } = openDatabase(dialect, database);
      return {
        drizzle,
        backend: createDrizzleBackend(drizzle, { tablePrefix: CONFORMANCE_TABLE_PREFIX }) as DrizzleBackend<Handle>,
        close,
      };
    },
    async migrate({ backend }) {
      const schema = {
        ...configureModels(kitDialect[dialect] as 'postgresql', { tablePrefix: CONFORMANCE_TABLE_PREFIX }),
        host: hostRows[dialect],
      };
      for (const statement of await generateMigrationSql(kitDialect[dialect], schema)) {
        await backend.connection.execute(statement);
      }
    },
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
    // @nestjs-cls/transactional's TransactionHost with its Drizzle adapter. Not on SQLite: Drizzle's
    // better-sqlite3 transactions are synchronous, and end at the first await of the adapter's async
    // callback (test/transactionHost.spec.ts shows the store refusing that ended transaction).
    ambientContexts:
      dialect === 'sqlite'
        ? []
        : [
            {
              name: "transactionHostContext, in @nestjs-cls/transactional's txHost.withTransaction (Drizzle adapter)",
              concurrentTransactions: 'isolated',
              async join({ drizzle }) {
                const { transactionHostAmbient } = await import('./transactionHost.ts');
                const host = await transactionHostAmbient(drizzle as NodePgDatabase | MySql2Database);
                return host as unknown as Omit<AmbientHost<Handle>, 'backend'>;
              },
            },
          ],
  }),
});
