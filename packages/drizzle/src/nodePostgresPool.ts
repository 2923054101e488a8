import { isNodePostgresPool, type NodePostgresQueryable, nodePostgresExecutor, type SqlExecutor } from '@es/core/sql';
import type { DrizzleAsyncHandle } from './connection.js';
import { transactionEnded } from './openTransactions.js';

/** node-postgres's Pool and PoolClient, as far as the store uses them. */
interface PgPool extends NodePostgresQueryable {
  connect(): Promise<PgPoolClient>;
}

interface PgPoolClient extends NodePostgresQueryable {
  /** An error (or true) destroys the connection instead of returning it to the pool. */
  release(destroy?: Error | boolean): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** Drizzle's NodePgSession, as far as it is read here: what `db.transaction` builds a `tx` from. */
interface NodePgSessionLike {
  readonly client: unknown;
  readonly dialect: unknown;
  readonly schema: unknown;
  readonly options: unknown;
  readonly logger: { logQuery(query: string, params: unknown[]): void };
}

type TransactionClasses = {
  NodePgSession: new (client: PgPoolClient, dialect: unknown, schema: unknown, options: unknown) => unknown;
  NodePgTransaction: new (dialect: unknown, session: unknown, schema: unknown) => DrizzleAsyncHandle;
};

let classes: Promise<TransactionClasses> | undefined;
/** Loaded on first use: drizzle-orm/node-postgres imports pg, which only a pg user has. */
function transactionClasses(): Promise<TransactionClasses> {
  classes ??= import('drizzle-orm/node-postgres') as unknown as Promise<TransactionClasses>;
  return classes;
}

/**
 * The store's connection to a Drizzle database over a node-postgres Pool. Its single statements
 * go to the pool, and its own transactions to a pooled client (BEGIN, its statements, COMMIT),
 * directly: what that skips is Drizzle's per-statement machinery (a query object, tracing spans,
 * the cache lookup), which with 8 concurrent writers on 2 cores cost about a tenth of the append
 * throughput (BENCHMARKS.md). Statements are still logged through the database's Drizzle logger,
 * and a transaction's handle is the same `NodePgTransaction` over that client that
 * `db.transaction` would build, so a projection's writes through it share the transaction.
 *
 * Returns undefined for any other database (a single pg Client, another driver): those keep
 * Drizzle's own session and `db.transaction`.
 */
export function nodePostgresPool(db: DrizzleAsyncHandle) {
  const session = (db._ as { session?: NodePgSessionLike } | undefined)?.session;
  const pool = session?.client;
  if (!session || !isNodePostgresPool<PgPool>(pool) || session.constructor.name !== 'NodePgSession') return undefined;
  const { logger } = session;

  const log = (text: string, values: unknown[]) => logger.logQuery(text, values);

  const transaction = async <T>(
    work: (executor: SqlExecutor, handle: DrizzleAsyncHandle) => Promise<T>,
  ): Promise<T> => {
    const { NodePgSession, NodePgTransaction } = await transactionClasses();
    const client = await pool.connect();
    const executor = nodePostgresExecutor(client, log);
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a connection lost mid-transaction
    // would otherwise crash the process. Its next statement fails and reports it instead.
    const lost = (error: Error) => {
      broken = error;
    };
    client.on('error', lost);
    try {
      await executor.execute('begin').catch((error: Error) => {
        broken = error;
        throw error;
      });
      const tx = new NodePgTransaction(
        session.dialect,
        new NodePgSession(client, session.dialect, session.schema, session.options),
        session.schema,
      );
      try {
        const result = await work(executor, tx);
        await executor.execute('commit');
        return result;
      } catch (error) {
        // After a failed COMMIT the server has ended the transaction: this ROLLBACK only warns.
        await executor.execute('rollback').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        transactionEnded(tx);
      }
    } finally {
      // A connection that could not begin or roll back is not handed to the next caller.
      client.off('error', lost);
      client.release(broken);
    }
  };

  return { executor: nodePostgresExecutor(pool, log), transaction };
}
