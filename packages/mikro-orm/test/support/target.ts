import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableNames } from '@es/core/sql';
// The package as a user's app gets it (its built dist): the child processes of the crash tests load
// this file with Node's type stripping, which cannot follow src's `.js` imports to `.ts` files.
import { configureModels, createMikroOrmBackend, type MikroOrmBackend, type MikroOrmHandle } from '@es/mikro-orm';
import { type ConformanceTarget, sqlTargetTables, testDatabases } from '@es/testing/targets';
import { defineEntity, type MikroORM, p } from '@mikro-orm/core';
import { recreateTables } from './schema.ts';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

const PREFIX = 'ck_';
const DATABASE = 'es_mikro_orm';
const SQLITE_FILE = join(tmpdir(), 'es-mikro-orm-conformance.sqlite');
const HOST_TABLE = `${PREFIX}host_rows`;

/** The host's own table, modelled with MikroORM like any entity of the host application. */
const HostRow = defineEntity({
  name: 'HostRow',
  tableName: HOST_TABLE,
  properties: { id: p.string().length(200).primary() },
});

/**
 * Opens MikroORM on the test database the way a host configures it: its own entity, plus the
 * store's via configureModels. SQLite opens synchronously (`new MikroORM`), so the kit can get a
 * new connection per backend instance.
 */
async function ormOpener(dialect: Dialect): Promise<() => MikroORM | Promise<MikroORM>> {
  const models = { tablePrefix: PREFIX };
  if (dialect === 'postgres') {
    const { MikroORM, defineConfig } = await import('@mikro-orm/postgresql');
    const options = defineConfig({
      clientUrl: testDatabases.postgres(DATABASE),
      entities: [HostRow],
      pool: { min: 0, max: 16 },
    });
    return () => MikroORM.init(configureModels(options, models));
  }
  if (dialect === 'mysql') {
    const { MikroORM, defineConfig } = await import('@mikro-orm/mariadb');
    const options = defineConfig({
      clientUrl: testDatabases.mysql(DATABASE),
      entities: [HostRow],
      pool: { min: 0, max: 16 },
    });
    return () => MikroORM.init(configureModels(options, models));
  }
  const { MikroORM, defineConfig } = await import('@mikro-orm/sqlite');
  const options = defineConfig({
    dbName: SQLITE_FILE,
    entities: [HostRow],
    // better-sqlite3's busy timeout would block the event loop; the backend waits asynchronously.
    driverOptions: { timeout: 0 },
  });
  return () => new MikroORM(configureModels(options, models));
}

/**
 * @es/mikro-orm as a conformance target: tables created from the shipped entities by MikroORM's
 * SchemaGenerator, the host's writes through the EntityManager, host transactions through
 * `em.transactional` (on SQLite through the backend's `runInTransaction`, which queues writers).
 */
export function mikroOrmTarget(
  dialect: Dialect,
  options: { createTables?: boolean } = {},
): ConformanceTarget<MikroOrmHandle> {
  const tables = tableNames(PREFIX);
  const orms: MikroORM[] = [];
  let root: { orm: MikroORM; backend: MikroOrmBackend } | undefined;
  let openSqlite: (() => MikroOrmBackend) | undefined;

  const backendOf = (orm: MikroORM) => createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix: PREFIX });
  const ready = () => {
    if (!root) throw new Error('target not set up');
    return root;
  };
  const rootTables = () => sqlTargetTables(ready().backend.connection, tables, HOST_TABLE);

  return {
    backend: 'mikro-orm',
    dialect,
    processModule: fileURLToPath(new URL('./process.ts', import.meta.url)),
    async setup() {
      process.env.ES_CONFORMANCE_DIALECT = dialect;
      // A fresh file: MikroORM's schema reader fails on tables it did not make (`ANALYZE`'s
      // sqlite_stat1, which the bench leaves behind).
      if (dialect === 'sqlite' && options.createTables !== false) {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${SQLITE_FILE}${suffix}`, { force: true });
      }
      const open = await ormOpener(dialect);
      const orm = await open();
      orms.push(orm);
      root = { orm, backend: backendOf(orm) };
      if (dialect === 'sqlite') {
        openSqlite = () => {
          const another = open() as MikroORM;
          orms.push(another);
          return backendOf(another);
        };
      }
      if (options.createTables === false) return;
      await recreateTables(orm);
      if (dialect === 'sqlite') await root.backend.connection.execute('PRAGMA journal_mode = WAL');
    },
    backendInstance: () => (openSqlite ? openSqlite() : ready().backend),
    reset: () => rootTables().reset(),
    countRows: () => rootTables().countRows(),
    hostRowIds: () => rootTables().hostRowIds(),
    hostTransaction: (work) =>
      dialect === 'sqlite'
        ? ready().backend.runInTransaction(work)
        : ready().orm.em.transactional((em) => work(em as MikroOrmHandle)),
    async writeHostRow(em, id) {
      em.create(HostRow, { id });
      await em.flush();
    },
    async clearHostRows(em) {
      await em.nativeDelete(HostRow, {});
    },
    async teardown() {
      for (const orm of orms.splice(0)) await orm.close();
    },
  };
}
