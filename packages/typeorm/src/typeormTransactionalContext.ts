import type { TransactionContext } from '@es/core';
import type { DataSource, EntityManager } from 'typeorm';

/** How `typeormTransactionalContext` learns that the transaction has committed. */
export interface TypeormTransactionalContextOptions {
  /**
   * typeorm-transactional's `runOnTransactionCommit`: the store hands it the wake-up of this
   * process's consumers and relays, to run once the transaction has committed. Without it they find
   * the events at their next poll.
   */
  readonly afterCommit?: (callback: () => void) => void;
}

/**
 * The transaction `typeorm-transactional` keeps current (`@Transactional()`, `runInTransaction`):
 * a store given this context and no handle appends through it. That library patches
 * `dataSource.manager` to return the transaction's manager inside one, and the DataSource's own
 * manager elsewhere, which holds no transaction; so the manager counts only while its QueryRunner
 * holds an open transaction. Pass the DataSource given to `addTransactionalDataSource`.
 */
export function typeormTransactionalContext(
  dataSource: DataSource,
  options: TypeormTransactionalContextOptions = {},
): TransactionContext<EntityManager> {
  const { afterCommit } = options;
  return {
    current() {
      const manager = dataSource.manager;
      const runner = manager.queryRunner;
      return runner && !runner.isReleased && runner.isTransactionActive ? manager : undefined;
    },
    ...(afterCommit && { afterCommit }),
  };
}
