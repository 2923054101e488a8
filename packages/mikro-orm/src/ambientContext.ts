import type { TransactionContext } from '@es/core';
import type { MikroOrmHandle } from './connection.js';
import { afterCommitOf, watchSavepoints } from './hostTransaction.js';

/**
 * The transaction MikroORM keeps current in the calling async context, for `createEventStore`'s
 * `transactionContext`: a store call given no handle joins the transaction of
 * `em.transactional()` / `@Transactional()` (a nested one's savepoint), or of `em.begin()` on the
 * request context's fork, the way MikroORM's own calls on `em` resolve it. Outside a transaction
 * there is nothing to join, and the store opens its own (or, with `requireTransaction`, refuses).
 *
 * Give it the EntityManager MikroORM resolves contexts from (`orm.em`, or the one Nest injects),
 * not a fork of it: a fork sees only its own transactions. `afterCommit` runs its callback once
 * that transaction has committed (MikroORM's `afterTransactionCommit`), never after a rollback of
 * it or of a nested transaction around the call.
 */
export function mikroOrmContext<Handle extends MikroOrmHandle>(em: Handle): TransactionContext<Handle> {
  watchSavepoints(em);
  // `getContext(false)` is how every EntityManager method finds its context: the transaction's
  // fork, else the request context's, else `em` itself (false: no global-context check).
  const current = (): Handle | undefined => {
    const inContext = em.getContext(false);
    return inContext.isInTransaction() ? inContext : undefined;
  };
  return {
    current,
    afterCommit(callback) {
      const inTransaction = current();
      if (inTransaction) afterCommitOf(inTransaction, callback);
    },
  };
}
