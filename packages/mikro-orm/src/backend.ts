import { createSqlBackend, type SqlBackend, type SqlStoreOptions } from '@es/core/sql';
import { dialectOf, type MikroOrmHandle, MikroOrmSqlConnection, MikroOrmSqliteConnection } from './connection.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export type MikroOrmBackendOptions = SqlStoreOptions;

/**
 * `runInTransaction(async (em) => ...)` runs `work` in a new transaction on a fork of the
 * backend's EntityManager, flushes it and commits (`em.fork().transactional(work)`), on SQLite
 * queued behind the single writer.
 */
export type MikroOrmBackend = SqlBackend<MikroOrmHandle>;

/**
 * An event-store backend over your MikroORM EntityManager (`orm.em`; PostgreSQL, MySQL/MariaDB
 * or SQLite). With `store.withTransaction(em)` every statement runs in the transaction of that
 * `em` (the one your `em.transactional()` callback gets); given an `em` outside any transaction,
 * or none, the store opens and commits its own on a fork of this EntityManager.
 */
export function createMikroOrmBackend(em: MikroOrmHandle, options: MikroOrmBackendOptions = {}): MikroOrmBackend {
  const connection = dialectOf(em) === 'sqlite' ? new MikroOrmSqliteConnection(em) : new MikroOrmSqlConnection(em);
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
  };
}
