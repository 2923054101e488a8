import { createSqlBackend, type SqlBackend, type SqlStoreOptions } from '@es/core/sql';
import type { DataSource, EntityManager } from 'typeorm';
import { TypeOrmSqlConnection } from './connection.js';
import { dialectOf } from './dialect.js';
import type { TypeOrmHandle } from './handle.js';
import { TypeOrmSqliteConnection } from './sqliteConnection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type TypeOrmBackendOptions = SqlStoreOptions;

/**
 * `runInTransaction(async (manager) => ...)` runs `work` in a transaction of your DataSource, as
 * `dataSource.transaction` does; on SQLite it also queues behind the store's own transactions on
 * that DataSource, which TypeORM does not (it has one connection there).
 */
export type TypeOrmBackend = SqlBackend<TypeOrmHandle, EntityManager>;

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
  return createSqlBackend({ ...options, name: 'typeorm', connection });
}
