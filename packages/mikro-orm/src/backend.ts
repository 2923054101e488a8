import { createSqlBackend, type SqlBackend, type SqlStoreOptions, tableNames } from '@es/core/sql';
import { dialectOf, type MikroOrmHandle, MikroOrmSqlConnection, MikroOrmSqliteConnection } from './connection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type MikroOrmBackendOptions = SqlStoreOptions;

export interface MikroOrmBackend extends SqlBackend<MikroOrmHandle> {
  /**
   * Runs `work` in a new transaction on a fork of the backend's EntityManager, flushes it and
   * commits (rolls back if `work` throws): `em.fork().transactional(work)`, and on SQLite also
   * queued behind the single writer. Pass its `em` to `store.withTransaction`.
   */
  runInTransaction<T>(work: (em: MikroOrmHandle) => Promise<T>): Promise<T>;
}

/**
 * An event-store backend over your MikroORM EntityManager (`orm.em`; PostgreSQL, MySQL/MariaDB
 * or SQLite). With `store.withTransaction(em)` every statement runs in the transaction of that
 * `em` (the one your `em.transactional()` callback gets); given an `em` outside any transaction,
 * or none, the store opens and commits its own on a fork of this EntityManager.
 */
export function createMikroOrmBackend(em: MikroOrmHandle, options: MikroOrmBackendOptions = {}): MikroOrmBackend {
  const connection =
    dialectOf(em) === 'sqlite'
      ? new MikroOrmSqliteConnection(em, tableNames(options.tablePrefix).streams)
      : new MikroOrmSqlConnection(em);
  const backend = createSqlBackend({
    ...options,
    name: 'mikro-orm',
    connection,
  });
  // An EntityManager outside a transaction has nothing to join: such calls run like handle-less ones.
  const joinable = <O extends { handle?: MikroOrmHandle }>(sessionOptions: O | undefined) =>
    sessionOptions?.handle && !sessionOptions.handle.isInTransaction()
      ? { ...sessionOptions, handle: undefined }
      : sessionOptions;
  return {
    ...backend,
    transaction: (work, sessionOptions) => backend.transaction(work, joinable(sessionOptions)),
    read: (work, sessionOptions) => backend.read(work, joinable(sessionOptions)),
    runInTransaction: (work) => connection.transaction((_executor, handle) => work(handle)),
  };
}
