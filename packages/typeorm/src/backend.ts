import { createSqlBackend, type SqlBackend, type SqlStoreOptions } from '@es/core/sql';
import type { DataSource, EntityManager } from 'typeorm';
import { TypeOrmSqlConnection } from './connection.js';
import { dialectOf } from './dialect.js';
import type { TypeOrmHandle } from './handle.js';
import { TypeOrmSqliteConnection } from './sqliteConnection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type TypeOrmBackendOptions = SqlStoreOptions;

export interface TypeOrmBackend extends SqlBackend<TypeOrmHandle> {
  /**
   * Runs `work` in a transaction of your DataSource and commits it (rolls back if `work` throws),
   * as `dataSource.transaction` does. On SQLite it also queues behind the store's own
   * transactions on that DataSource, which TypeORM does not (it has one connection there).
   */
  runInTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/**
 * An event-store backend over your TypeORM DataSource (postgres, mysql/mariadb or
 * better-sqlite3). Pass `store.withTransaction(manager)` the manager of your
 * `dataSource.transaction(...)` and the store writes inside it; without one, every operation runs
 * in a transaction of its own. The DataSource may be initialized later, before the first use.
 */
export function createTypeOrmBackend(dataSource: DataSource, options: TypeOrmBackendOptions = {}): TypeOrmBackend {
  const connection =
    dialectOf(dataSource.options.type) === 'sqlite'
      ? new TypeOrmSqliteConnection(dataSource)
      : new TypeOrmSqlConnection(dataSource);
  const backend = createSqlBackend({
    ...options,
    name: 'typeorm',
    connection,
  });
  return {
    ...backend,
    runInTransaction: (work) => connection.transaction((_executor, manager) => work(manager)),
  };
}
