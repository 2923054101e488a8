import { TransactionNotOpenError } from '@es/core';
import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * What `store.withTransaction(...)` takes: the manager `dataSource.transaction(async (manager) =>
 * ...)` hands you, or a QueryRunner (or its `.manager`) on which you called `startTransaction()`.
 */
export type TypeOrmHandle = EntityManager | QueryRunner;

function isQueryRunner(handle: TypeOrmHandle): handle is QueryRunner {
  return typeof (handle as QueryRunner).startTransaction === 'function';
}

/** The EntityManager of a handle, for your own writes in the same transaction (e.g. in a projection). */
export function entityManagerOf(handle: TypeOrmHandle): EntityManager {
  return isQueryRunner(handle) ? handle.manager : handle;
}

/**
 * The QueryRunner of a handle, refused unless it holds an open transaction. A manager without a
 * runner (`dataSource.manager`) runs each statement on a pooled connection of its own, outside any
 * transaction.
 */
export function joinedRunner(handle: TypeOrmHandle): QueryRunner {
  const runner = isQueryRunner(handle) ? handle : handle.queryRunner;
  if (!runner) {
    throw new TransactionNotOpenError(
      'this EntityManager holds no transaction (dataSource.manager runs each statement on its own); pass the manager dataSource.transaction() gives you, or a QueryRunner (or its manager) after startTransaction()',
    );
  }
  assertTransactionOpen(runner);
  return runner;
}

/**
 * Refuses a runner whose transaction has ended: committed or rolled back (`dataSource.transaction`
 * then releases it too), or released. Two properties TypeORM keeps, read before every statement
 * the store runs through a joined handle, so a handle that ends while the store holds it writes
 * nothing either (on a released runner PostgreSQL and MySQL would fail anyway; SQLite's one
 * runner would run the statement outside any transaction).
 *
 * On SQLite a DataSource has one QueryRunner, and every `dataSource.transaction` hands out its
 * same manager: the handle of a finished transaction is the handle of the next one, and while
 * another transaction is open on that DataSource this check cannot tell them apart.
 */
export function assertTransactionOpen(runner: QueryRunner): void {
  if (runner.isReleased || !runner.isTransactionActive) {
    throw new TransactionNotOpenError(
      runner.isReleased
        ? 'its TypeORM QueryRunner is released (its transaction has committed or rolled back)'
        : 'its TypeORM transaction has committed or rolled back, or was never started',
    );
  }
}
