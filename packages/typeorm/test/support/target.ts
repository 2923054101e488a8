import type { SqlDialectName } from '@es/core/sql';
import { CONFORMANCE_TABLE_PREFIX, defineSqlTarget, hostTableName, type SqlTargetFactory } from '@es/testing/targets';
import {
  configureModels,
  createTypeOrmBackend,
  entityManagerOf,
  type TypeOrmHandle,
  typeormTransactionalContext,
} from '@es/typeorm';
import { DataSource, type DataSourceOptions, EntitySchema } from 'typeorm';
import {
  addTransactionalDataSource,
  initializeTransactionalContext,
  runInTransaction,
  runOnTransactionCommit,
  StorageDriver,
} from 'typeorm-transactional';
import { generateMigration } from './migrations.ts';

const HOST_TABLE = hostTableName(CONFORMANCE_TABLE_PREFIX);
const MIGRATIONS_TABLE = `${CONFORMANCE_TABLE_PREFIX}migrations`;

/** The host's own table, modelled with TypeORM like any entity of the host application. */
const HostRow = new EntitySchema<{ id: string }>({
  name: HOST_TABLE,
  tableName: HOST_TABLE,
  columns: { id: { type: 'varchar', length: 200, primary: true } },
});

/** The host's DataSource options: its entity plus the store's, as `configureModels` adds them. */
function hostOptions(dialect: SqlDialectName, database: string): DataSourceOptions {
  const connection: Record<SqlDialectName, DataSourceOptions> = {
    postgres: { type: 'postgres', url: database, poolSize: 16 },
    mysql: { type: 'mariadb', url: database, poolSize: 16 },
    sqlite: { type: 'better-sqlite3', database, timeout: 0, enableWAL: true },
  };
  return configureModels(
    { ...connection[dialect], entities: [HostRow], migrationsTableName: MIGRATIONS_TABLE },
    { tablePrefix: CONFORMANCE_TABLE_PREFIX },
  );
}

/** How many DataSources were added to typeorm-transactional, each under a name of its own. */
let transactionalDataSources = 0;

/**
 * typeorm-transactional over `dataSource`, as a host sets it up: its context initialized once, the
 * DataSource added under a name of its own; `runInTransaction` is what `@Transactional()` runs.
 */
function typeormTransactional(dataSource: DataSource) {
  if (transactionalDataSources === 0)
    initializeTransactionalContext({ storageDriver: StorageDriver.ASYNC_LOCAL_STORAGE });
  const connectionName = `conformance-${++transactionalDataSources}`;
  addTransactionalDataSource({ name: connectionName, dataSource });
  return {
    transactionContext: typeormTransactionalContext(dataSource, { afterCommit: runOnTransactionCommit }),
    transaction: <T>(work: (handle: TypeOrmHandle) => Promise<T>) =>
      runInTransaction(() => work(dataSource.manager), { connectionName }),
  };
}

/**
 * @es/typeorm as a conformance target: tables created from the shipped entity schemas through a
 * generated migration, host transactions through `dataSource.transaction`, the host's writes
 * through TypeORM's entity manager. On SQLite each backend instance has a DataSource of its own.
 */
export const typeormTarget: SqlTargetFactory<TypeOrmHandle> = defineSqlTarget({
  name: 'typeorm',
  processModule: new URL('./process.ts', import.meta.url),
  onDialect: (dialect) => ({
    open(database) {
      const dataSource = new DataSource(hostOptions(dialect, database));
      return {
        dataSource,
        backend: createTypeOrmBackend(dataSource, { tablePrefix: CONFORMANCE_TABLE_PREFIX }),
        ready: dataSource.initialize(),
        async close() {
          if (dataSource.isInitialized) await dataSource.destroy();
        },
      };
    },
    // As a user would: the migration `typeorm migration:generate` writes for the host's
    // DataSource, run by TypeORM's migration runner.
    async migrate({ dataSource, backend }) {
      await backend.connection.execute(`DROP TABLE IF EXISTS ${MIGRATIONS_TABLE}`);
      const { migration } = await generateMigration(dataSource.options, 'ConformanceTables');
      const migrating = await new DataSource({ ...dataSource.options, migrations: [migration] }).initialize();
      try {
        await migrating.runMigrations();
      } finally {
        await migrating.destroy();
      }
    },
    hostTransaction: ({ dataSource }, work) => dataSource.transaction(work),
    async writeHostRow(handle, id) {
      await entityManagerOf(handle).save(HostRow, { id });
    },
    async clearHostRows(handle) {
      await entityManagerOf(handle).createQueryBuilder().delete().from(HostRow).execute();
    },
    ambientContexts: [
      {
        name: "typeormTransactionalContext, in typeorm-transactional's runInTransaction",
        // On SQLite a DataSource is one connection: a transaction begun while another is open on it
        // becomes a savepoint of that one, for the host's writes as for the store's.
        ...(dialect !== 'sqlite' && { concurrentTransactions: 'isolated' as const }),
        join: async ({ dataSource }) => typeormTransactional(dataSource),
      },
    ],
  }),
});
