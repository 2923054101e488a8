import type { SqlConnection, SqlExecutor, SqlParam } from '@es/core/sql';
import { retryWhileBusy, SqliteGate } from '@es/core/sql';
import { type SQL, sql } from 'drizzle-orm';
import { BetterSQLiteTransaction } from 'drizzle-orm/better-sqlite3/session';
import { toDrizzleSql } from './connection.js';
import { type OpenCheck, sqliteOpenCheck, transactionEnded, transactionOpened } from './openTransactions.js';

/** What the backend needs of a Drizzle better-sqlite3 database or transaction. */
export interface DrizzleSqliteHandle {
  all(query: SQL): unknown;
  run(query: SQL): unknown;
}

/** A Drizzle better-sqlite3 database, with the parts a transaction of its own is built from. */
export interface DrizzleSqliteDatabase extends DrizzleSqliteHandle {
  readonly $client: { readonly name: string };
  readonly dialect: unknown;
  readonly session: { readonly schema?: unknown };
}

function sqliteExecutor(handle: DrizzleSqliteHandle, check?: OpenCheck): SqlExecutor {
  return {
    dialect: 'sqlite',
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      check?.();
      return handle.all(toDrizzleSql(text, params, 'sqlite')) as Row[];
    },
    async execute(text, params) {
      check?.();
      return (handle.run(toDrizzleSql(text, params, 'sqlite')) as { changes: number }).changes;
    },
  };
}

/**
 * SQLite (better-sqlite3): Drizzle's transactions there are synchronous, so async work cannot
 * run inside them. This connection runs its own `BEGIN IMMEDIATE ... COMMIT` on the database,
 * queued behind SQLite's single writer (see core's SqliteGate). Its handle is a Drizzle
 * transaction over the database's session, the same kind `db.transaction` gives (savepoints for
 * `tx.transaction`, `tx.rollback()`), made fresh for each transaction so that it can be told
 * ended once it has committed or rolled back.
 */
export class DrizzleSqliteConnection implements SqlConnection<DrizzleSqliteHandle> {
  readonly dialect = 'sqlite' as const;
  private readonly db: DrizzleSqliteDatabase;
  private readonly executor: SqlExecutor;
  private readonly gate: SqliteGate;

  constructor(db: DrizzleSqliteDatabase) {
    this.db = db;
    this.executor = sqliteExecutor(db);
    this.gate = new SqliteGate(db.$client.name);
  }

  query<Row>(text: string, params?: readonly SqlParam[]): Promise<Row[]> {
    return this.gate.exclusive(() => this.executor.query<Row>(text, params));
  }

  execute(text: string, params?: readonly SqlParam[]): Promise<number> {
    return this.gate.exclusive(() => this.executor.execute(text, params));
  }

  transaction<T>(work: (executor: SqlExecutor, handle: DrizzleSqliteHandle) => Promise<T>): Promise<T> {
    return this.gate.writeTransaction(async () => {
      await retryWhileBusy(() => this.db.run(sql.raw('BEGIN IMMEDIATE')));
      const tx = this.openTransaction();
      try {
        const result = await work(this.executor, tx);
        this.db.run(sql.raw('COMMIT'));
        return result;
      } catch (error) {
        this.db.run(sql.raw('ROLLBACK'));
        throw error;
      } finally {
        transactionEnded(tx);
      }
    });
  }

  join(handle: DrizzleSqliteHandle): SqlExecutor {
    return sqliteExecutor(handle, sqliteOpenCheck(handle));
  }

  private openTransaction(): DrizzleSqliteHandle {
    const { dialect, session } = this.db;
    const tx = new BetterSQLiteTransaction('sync', dialect as never, session as never, session.schema as never);
    transactionOpened(tx);
    return tx;
  }
}
