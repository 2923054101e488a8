import type { SqlExecutor } from '../executor.js';
import { sql } from '../template.js';
import { execute, type StatementContext, table } from './context.js';

export function writeLockStatements(context: StatementContext) {
  return {
    /**
     * SQLite: a write that changes nothing, run first in a transaction its ORM began DEFERRED.
     * It does what `BEGIN IMMEDIATE` would: the transaction holds the write lock before it reads,
     * so it can neither fail on a lock upgrade later nor read a snapshot another writer has moved
     * past. A deferred transaction holds no snapshot before it, so retrying it while busy is safe.
     */
    async takeWriteLock(executor: SqlExecutor): Promise<void> {
      await execute(executor, context, sql`UPDATE ${table(context, 'streams')} SET version = version WHERE 0`);
    },
  };
}
