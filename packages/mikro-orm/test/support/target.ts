import type { SqlDialectName } from '@es/core/sql';
// The package as a user's app gets it (its built dist): the child processes of the crash tests load
// this file with Node's type stripping, which cannot follow src's `.js` imports to `.ts` files.
import { configureModels, createMikroOrmBackend, type MikroOrmHandle, mikroOrmContext } from '@es/mikro-orm';
import {
  CONFORMANCE_TABLE_PREFIX,
  defineSqlTarget,
  hostTableName,
  type SqlTargetFactory,
  type SqlTargetOptions,
} from '@es/testing/targets';
import { defineEntity, MikroORM, type Options, p } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver as GenericSqliteDriver, NodeSqliteDialect } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';

/** The host's own table, modelled with MikroORM like any entity of the host application. */
const HostRow = defineEntity({
  name: 'HostRow',
  tableName: hostTableName(CONFORMANCE_TABLE_PREFIX),
  properties: { id: p.string().length(200).primary() },
});

/** The driver and connection settings of the test database on each dialect. */
const connections: Record<SqlDialectName, (database: string) => Partial<Options>> = {
  postgres: (database) => ({ driver: PostgreSqlDriver, clientUrl: database, pool: { min: 0, max: 16 } }),
  mysql: (database) => ({ driver: MariaDbDriver, clientUrl: database, pool: { min: 0, max: 16 } }),
  // better-sqlite3's busy timeout would block the event loop; the backend waits asynchronously.
  sqlite: (database) => ({ driver: SqliteDriver, dbName: database, driverOptions: { timeout: 0 } }),
};

/** SQLite through Node's built-in node:sqlite: MikroORM's generic driver with its NodeSqliteDialect. */
const nodeSqliteConnection = (database: string): Partial<Options> => ({
  driver: GenericSqliteDriver,
  dbName: database,
  driverOptions: new NodeSqliteDialect(database),
});

/**
 * `nodeSqlite`: on SQLite, through node:sqlite instead of better-sqlite3: its own report row (and
 * so its own file), which the crash tests' child processes learn from the environment.
 */
export interface MikroOrmTargetOptions {
  readonly nodeSqlite?: boolean;
}

const NODE_SQLITE_VARIABLE = 'ES_MIKRO_ORM_NODE_SQLITE';

/**
 * MikroORM on the test database, configured the way a host configures it: its own entity, plus the
 * store's via configureModels. Opened synchronously (`new MikroORM`), so the kit can get a new
 * connection for each backend instance.
 */
function openOrm(dialect: SqlDialectName, database: string, nodeSqlite = false): MikroORM {
  const connection =
    dialect === 'sqlite' && nodeSqlite ? nodeSqliteConnection(database) : connections[dialect](database);
  const options: Partial<Options> = { ...connection, entities: [HostRow] };
  return new MikroORM(configureModels(options, { tablePrefix: CONFORMANCE_TABLE_PREFIX }));
}

/**
 * @es/mikro-orm as a conformance target: tables created from the shipped entities by MikroORM's
 * SchemaGenerator (on SQLite in a new file, which its schema reader needs: it fails on tables it
 * did not make, such as `ANALYZE`'s sqlite_stat1 the bench leaves behind), the host's writes
 * through the EntityManager, host transactions through `em.transactional` (on SQLite through the
 * backend's `runInTransaction`, which queues writers).
 */
export const mikroOrmTarget: SqlTargetFactory<MikroOrmHandle, MikroOrmTargetOptions> = defineSqlTarget({
  name: 'mikro-orm',
  processModule: new URL('./process.ts', import.meta.url),
  onDialect: (dialect, options: MikroOrmTargetOptions & SqlTargetOptions) => {
    // A crash test's child process (tables in place) runs on the parent's row.
    const childProcess = options.createTables === false;
    const nodeSqlite = options.nodeSqlite ?? (childProcess && process.env[NODE_SQLITE_VARIABLE] === '1');
    return {
      ...(dialect === 'sqlite' && nodeSqlite && { row: 'mikro-orm-node-sqlite' }),
      open(database) {
        if (!childProcess) process.env[NODE_SQLITE_VARIABLE] = nodeSqlite ? '1' : '';
        const orm = openOrm(dialect, database, nodeSqlite);
        return {
          orm,
          backend: createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix: CONFORMANCE_TABLE_PREFIX }),
          close: () => orm.close(),
        };
      },
      migrate: ({ orm }) => orm.schema.create(),
      hostTransaction: ({ orm, backend }, work) =>
        dialect === 'sqlite'
          ? backend.runInTransaction(work)
          : orm.em.transactional((em) => work(em as MikroOrmHandle)),
      async writeHostRow(em, id) {
        em.create(HostRow, { id });
        await em.flush();
      },
      async clearHostRows(em) {
        await em.nativeDelete(HostRow, {});
      },
      ambientContexts: [
        {
          name: 'mikroOrmContext, in em.transactional',
          // SQLite: MikroORM's one connection runs one transaction at a time.
          concurrentTransactions: dialect === 'sqlite' ? 'queued' : 'isolated',
          join: async ({ orm }) => ({
            transactionContext: mikroOrmContext(orm.em as MikroOrmHandle),
            transaction: (work) => orm.em.transactional((em) => work(em as MikroOrmHandle)),
          }),
        },
      ],
    };
  },
});
