import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStoreBackend } from '@es/core';
import { tableNames } from '@es/core/sql';
import { type ConformanceTarget, sqlTargetTables, testDatabases } from '@es/testing/targets';
import {
  configureModels,
  createTypeOrmBackend,
  entityManagerOf,
  type TypeOrmBackend,
  type TypeOrmHandle,
} from '@es/typeorm';
import { DataSource, type DataSourceOptions, EntitySchema } from 'typeorm';
import { generateMigration } from './migrations.ts';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

const PREFIX = 'ck_';
const DATABASE = 'es_typeorm';
const SQLITE_FILE = join(tmpdir(), 'es-typeorm-conformance.sqlite');
const HOST_TABLE = `${PREFIX}host_rows`;
const MIGRATIONS_TABLE = `${PREFIX}migrations`;

/** The host's own table, modelled with TypeORM like any entity of the host application. */
const HostRow = new EntitySchema<{ id: string }>({
  name: HOST_TABLE,
  tableName: HOST_TABLE,
  columns: { id: { type: 'varchar', length: 200, primary: true } },
});

/** The host's DataSource options: its entity plus the store's, as `configureModels` adds them. */
function hostOptions(dialect: Dialect): DataSourceOptions {
  const connection: Record<Dialect, DataSourceOptions> = {
    postgres: { type: 'postgres', url: testDatabases.postgres(DATABASE), poolSize: 16 },
    mysql: { type: 'mariadb', url: testDatabases.mysql(DATABASE), poolSize: 16 },
    sqlite: { type: 'better-sqlite3', database: SQLITE_FILE, timeout: 0, enableWAL: true },
  };
  return configureModels(
    { ...connection[dialect], entities: [HostRow], migrationsTableName: MIGRATIONS_TABLE },
    { tablePrefix: PREFIX },
  );
}

/**
 * Drops the tables, then creates them as a user would: the migration `typeorm migration:generate`
 * writes for the host's DataSource, run by TypeORM's migration runner.
 */
async function createTablesThroughMigration(options: DataSourceOptions): Promise<void> {
  const scratch = await new DataSource(options).initialize();
  try {
    const runner = scratch.createQueryRunner();
    for (const table of [...scratch.entityMetadatas.map((entity) => entity.tablePath), MIGRATIONS_TABLE]) {
      await runner.dropTable(table, true);
    }
    await runner.release();
  } finally {
    await scratch.destroy();
  }
  const { migration } = await generateMigration(options, 'ConformanceTables');
  const migrating = await new DataSource({ ...options, migrations: [migration] }).initialize();
  try {
    await migrating.runMigrations();
  } finally {
    await migrating.destroy();
  }
}

/**
 * A backend whose DataSource is still connecting: `backendInstance()` is synchronous, TypeORM's
 * `initialize()` is not. Every use waits for the connection first.
 */
function whenReady(ready: Promise<unknown>, backend: TypeOrmBackend): EventStoreBackend<TypeOrmHandle> {
  return {
    ...backend,
    async transaction(work, options) {
      await ready;
      return backend.transaction(work, options);
    },
    async read(work, options) {
      await ready;
      return backend.read(work, options);
    },
  };
}

/**
 * @es/typeorm as a conformance target: tables created from the shipped entity schemas through a
 * generated migration, the host's writes through TypeORM's entity manager.
 */
export function typeormTarget(
  dialect: Dialect,
  options: { createTables?: boolean } = {},
): ConformanceTarget<TypeOrmHandle> {
  const tables = tableNames(PREFIX);
  const dataSources: DataSource[] = [];
  const connecting: Promise<unknown>[] = [];
  let root: { dataSource: DataSource; backend: TypeOrmBackend } | undefined;

  const open = () => {
    const dataSource = new DataSource(hostOptions(dialect));
    dataSources.push(dataSource);
    return { dataSource, backend: createTypeOrmBackend(dataSource, { tablePrefix: PREFIX }) };
  };
  const rooted = () => {
    if (!root) throw new Error('target not set up');
    return root;
  };
  const tablesOfRoot = () => sqlTargetTables(rooted().backend.connection, tables, HOST_TABLE);

  return {
    backend: 'typeorm',
    dialect,
    processModule: fileURLToPath(new URL('./process.ts', import.meta.url)),
    async setup() {
      process.env.ES_CONFORMANCE_DIALECT = dialect;
      if (options.createTables !== false) await createTablesThroughMigration(hostOptions(dialect));
      root = open();
      await root.dataSource.initialize();
    },
    // SQLite: a connection (a DataSource) per instance, as separate processes would have.
    backendInstance() {
      if (dialect !== 'sqlite') return rooted().backend;
      const { dataSource, backend } = open();
      const ready = dataSource.initialize();
      connecting.push(ready);
      return whenReady(ready, backend);
    },
    reset: () => tablesOfRoot().reset(),
    countRows: () => tablesOfRoot().countRows(),
    hostRowIds: () => tablesOfRoot().hostRowIds(),
    hostTransaction: (work) => rooted().dataSource.transaction(work),
    async writeHostRow(handle, id) {
      await entityManagerOf(handle).save(HostRow, { id });
    },
    async clearHostRows(handle) {
      await entityManagerOf(handle).createQueryBuilder().delete().from(HostRow).execute();
    },
    async teardown() {
      await Promise.allSettled(connecting.splice(0));
      for (const dataSource of dataSources.splice(0)) {
        if (dataSource.isInitialized) await dataSource.destroy();
      }
    },
  };
}
