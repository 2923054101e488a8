import type { SqlConnection, SqlExecutor, SqlParam, StatementOptions } from '@es/core/sql';
import { immediateTransaction, isSqliteDriverDatabase, SqliteGate, sqliteDriverExecutor } from '@es/core/sql';
import type { SQL } from 'drizzle-orm';
import { BetterSQLiteTransaction } from 'drizzle-orm/better-sqlite3/session';
import { toDrizzleSql } from './connection.js';
import { isDrizzleKind } from './kinds.js';
import { type OpenCheck, sqliteOpenCheck, transactionEnded, transactionOpened } from './openTransactions.js';

/** What the backend needs of a Drizzle better-sqlite3 database or transaction. */
export interface DrizzleSqliteHandle {
  all(query: SQL): unknown;
  run(query: SQL): unknown;
}

/** A Drizzle better-sqlite3 database, with the parts a transaction of its own is built from. */
export interface SqliteDatabaseShape extends DrizzleSqliteHandle {
  readonly $client: { readonly name: string };
  readonly dialect: unknown;
  readonly session: { readonly schema?: unknown };
}

/** Drizzle's BetterSQLiteSession, as far as it is read here: the driver's database and the query logger. */
interface BetterSqliteSessionLike {
  readonly client?: unknown;
  readonly logger?: { logQuery(query: string, params: unknown[]): void };
}

/**
 * Core's statements on the better-sqlite3 `Database` under a Drizzle database or transaction
 * (`session.client`: the same connection, so inside the same transaction), prepared once per
 * database where core marks them reusable, and logged through the database's Drizzle logger.
 * Rebuilding each text as a Drizzle `SQL` and preparing it anew cost most of an append
 * (BENCHMARKS.md). Drizzle's own raw-SQL path remains for a session without a reachable client.
 */
function sqliteExecutor(handle: DrizzleSqliteHandle, check?: OpenCheck): SqlExecutor {
  const { client, logger } = (handle as { session?: BetterSqliteSessionLike }).session ?? {};
  if (isSqliteDriverDatabase(client)) {
    return sqliteDriverExecutor(client, {
      beforeStatement: check,
      log: logger && ((text: string, values: unknown[]) => logger.logQuery(text, values)),
    });
  }
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
  private readonly db: SqliteDatabaseShape;
  private readonly executor: SqlExecutor;
  private readonly gate: SqliteGate;

  constructor(db: SqliteDatabaseShape) {
    this.db = db;
    this.executor = sqliteExecutor(db);
    this.gate = new SqliteGate(db.$client.name);
  }

  query<Row>(text: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<Row[]> {
    return this.gate.exclusive(() => this.executor.query<Row>(text, params, options));
  }

  execute(text: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<number> {
    return this.gate.exclusive(() => this.executor.execute(text, params, options));
  }

  transaction<T>(work: (executor: SqlExecutor, handle: DrizzleSqliteHandle) => Promise<T>): Promise<T> {
    return this.gate.writeTransaction(async () => {
      const tx = this.openTransaction();
      try {
        return await immediateTransaction(this.executor, () => work(this.executor, tx));
      } finally {
        transactionEnded(tx);
      }
    });
  }

  bareTransaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.gate.writeTransaction(() => immediateTransaction(this.executor, () => work(this.executor)));
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

/**
 * The connection for a Drizzle database on better-sqlite3, undefined for any other: SQLite's other
 * drivers are not supported (better-sqlite3's synchronous one lets the backend hold
 * `BEGIN IMMEDIATE` across awaits).
 */
export function sqliteConnectionFor(db: unknown): DrizzleSqliteConnection | undefined {
  const onBetterSqlite =
    isDrizzleKind(db, 'BaseSQLiteDatabase') &&
    isDrizzleKind((db as { session?: unknown }).session, 'BetterSQLiteSession');
  return onBetterSqlite ? new DrizzleSqliteConnection(db as SqliteDatabaseShape) : undefined;
}
