import { InvalidArgumentError, TransactionNotOpenError } from '@es/core';
import type { SqlDialectName, SqlExecutor } from '@es/core/sql';
import type { PrismaRawClient } from './connection.js';

/**
 * Prisma's code for its transaction API errors. On a statement of a transaction client it means
 * the transaction has ended (committed, rolled back, or timed out): Prisma refuses the statement
 * itself, before anything reaches the database.
 */
const TRANSACTION_API_ERROR = 'P2028';

/**
 * An executor on the host's `tx` (the client `prisma.$transaction(async (tx) => ...)` hands its
 * callback), from `over`. Each statement checks, before it runs, that the store was given such a
 * client, and turns Prisma's "transaction already closed" into TransactionNotOpenError: the `tx`
 * of a transaction that has committed, rolled back or timed out writes nothing. Prisma's own
 * check refuses that statement, so no statement is added.
 */
export function hostTransactionExecutor(
  dialect: SqlDialectName,
  handle: unknown,
  over: (client: PrismaRawClient) => SqlExecutor,
): SqlExecutor {
  let executor: SqlExecutor | undefined;
  const statement = async <T>(run: (executor: SqlExecutor) => Promise<T>): Promise<T> => {
    executor ??= over(hostTransactionClient(handle));
    try {
      return await run(executor);
    } catch (error) {
      return notOpen(error);
    }
  };
  return {
    dialect,
    query: (sql, params, options) => statement((executor) => executor.query(sql, params, options)),
    execute: (sql, params, options) => statement((executor) => executor.execute(sql, params, options)),
  };
}

/**
 * A PrismaClient itself would run each statement in autocommit, outside the transaction the
 * caller meant: it is refused like anything without Prisma's raw API.
 */
function hostTransactionClient(handle: unknown): PrismaRawClient {
  const client = handle as (Partial<PrismaRawClient> & { $disconnect?: unknown }) | null | undefined;
  if (typeof client?.$queryRawUnsafe !== 'function' || typeof client.$executeRawUnsafe !== 'function') {
    throw new InvalidArgumentError(
      `withTransaction needs the tx that prisma.$transaction(async (tx) => ...) passes its callback; got ${describe(handle)}`,
    );
  }
  // Transaction clients lack $connect, $disconnect, $on, $use and $extends (Prisma denies them).
  if (typeof client.$disconnect === 'function') {
    throw new InvalidArgumentError(
      'withTransaction was given a PrismaClient, whose statements would each commit on their own: pass the tx that prisma.$transaction(async (tx) => ...) passes its callback',
    );
  }
  return client as PrismaRawClient;
}

function notOpen(error: unknown): never {
  if ((error as { code?: unknown } | null)?.code !== TRANSACTION_API_ERROR) throw error;
  const reason = /Transaction API error: (.*)/.exec((error as Error).message)?.[1] ?? (error as Error).message;
  throw Object.assign(new TransactionNotOpenError(`Prisma: ${reason}`), { cause: error });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object without $queryRawUnsafe / $executeRawUnsafe' : typeof value;
}
