import type { SqlConnection, SqlDialectName, SqlExecutor, SqlParam, StatementOptions } from '@es/core/sql';
import { retryWhileBusy, SqliteGate, statementName } from '@es/core/sql';
import { type SQL, sql } from 'drizzle-orm';
import { nodePostgresPool } from './nodePostgresPool.js';

/** What the backend needs of a Drizzle database or transaction on PostgreSQL or MySQL. */
export interface DrizzleAsyncHandle {
  execute(query: SQL): Promise<unknown>;
  /** Drizzle's internals; on PostgreSQL their `session` (`db._.session`, `tx._.session`) is used. */
  readonly _?: object;
}

/** Drizzle's PgSession, as far as the store uses it: a query already in the driver's own text. */
interface PgSessionRunner {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string | undefined,
    isResponseInArrayMode: false,
  ): { execute(): Promise<unknown> };
}

const isPgSessionRunner = (session: unknown): session is PgSessionRunner =>
  typeof (session as PgSessionRunner | undefined)?.prepareQuery === 'function';

/** What the backend needs of a Drizzle better-sqlite3 database. */
export interface DrizzleSqliteHandle {
  all(query: SQL): unknown;
  run(query: SQL): unknown;
  readonly $client: { readonly name: string };
}

/** Rebuilds core's SQL text (`$n` or `?` placeholders) as a Drizzle `SQL` with bound params. */
export function toDrizzleSql(text: string, params: readonly SqlParam[] = [], dialect: SqlDialectName): SQL {
  const pattern = dialect === 'postgres' ? /\$(\d+)/g : /\?/g;
  const chunks: SQL[] = [];
  let last = 0;
  let next = 0;
  for (const match of text.matchAll(pattern)) {
    chunks.push(sql.raw(text.slice(last, match.index)));
    const value = dialect === 'postgres' ? params[Number(match[1]) - 1] : params[next++];
    chunks.push(sql`${value}`);
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}

/**
 * PostgreSQL: core's text already has node-postgres's `$n` placeholders, so it goes to the
 * session's `prepareQuery` as it is (what `execute(sql)` does after building the text), named
 * when core marks it reusable, so node-postgres prepares it once per connection. Rebuilding the
 * text as a Drizzle `SQL` (the fallback, where no session is exposed) cost about 0.15 ms of CPU
 * per append on the bench machine.
 */
function postgresExecutor(handle: DrizzleAsyncHandle): SqlExecutor {
  const found = (handle._ as { session?: unknown } | undefined)?.session;
  const session = isPgSessionRunner(found) ? found : undefined;
  const run = (text: string, params: readonly SqlParam[] = [], options?: StatementOptions) =>
    session
      ? session
          .prepareQuery(
            { sql: text, params: [...params] },
            undefined,
            options?.prepare ? statementName(text) : undefined,
            false,
          )
          .execute()
      : handle.execute(toDrizzleSql(text, params, 'postgres'));
  return {
    dialect: 'postgres',
    async query<Row>(text: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return ((await run(text, params, options)) as { rows: Row[] }).rows;
    },
    async execute(text, params, options) {
      return ((await run(text, params, options)) as { rowCount: number | null }).rowCount ?? 0;
    },
  };
}

function mysqlExecutor(handle: DrizzleAsyncHandle): SqlExecutor {
  return {
    dialect: 'mysql',
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      const [rows] = (await handle.execute(toDrizzleSql(text, params, 'mysql'))) as [Row[]];
      return rows;
    },
    async execute(text, params) {
      const [header] = (await handle.execute(toDrizzleSql(text, params, 'mysql'))) as [{ affectedRows?: number }];
      return header.affectedRows ?? 0;
    },
  };
}

function sqliteExecutor(handle: DrizzleSqliteHandle): SqlExecutor {
  return {
    dialect: 'sqlite',
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      return handle.all(toDrizzleSql(text, params, 'sqlite')) as Row[];
    },
    async execute(text, params) {
      return (handle.run(toDrizzleSql(text, params, 'sqlite')) as { changes: number }).changes;
    },
  };
}

/**
 * PostgreSQL / MySQL: Drizzle's own async transactions; the handle is Drizzle's `tx`. On a
 * node-postgres Pool, the same statements and transactions on the pool directly (`nodePostgresPool`).
 */
export function asyncConnection<THandle extends DrizzleAsyncHandle & { transaction: Function }>(
  db: THandle,
  dialect: 'postgres' | 'mysql',
): SqlConnection<DrizzleAsyncHandle> {
  const executor = dialect === 'postgres' ? postgresExecutor : mysqlExecutor;
  const pool = dialect === 'postgres' ? nodePostgresPool(db) : undefined;
  if (pool) return { ...pool.executor, transaction: pool.transaction, join: (handle) => executor(handle) };
  return {
    ...executor(db),
    transaction: <T>(work: (executor: SqlExecutor, handle: DrizzleAsyncHandle) => Promise<T>) =>
      (db.transaction as (run: (tx: DrizzleAsyncHandle) => Promise<T>) => Promise<T>)((tx) => work(executor(tx), tx)),
    join: (handle) => executor(handle),
  };
}

/**
 * SQLite (better-sqlite3): Drizzle's transactions there are synchronous, so async work cannot
 * run inside them. This connection runs its own `BEGIN IMMEDIATE ... COMMIT` on the database,
 * queued behind SQLite's single writer (see core's SqliteGate); the handle is the database.
 */
export class DrizzleSqliteConnection implements SqlConnection<DrizzleSqliteHandle> {
  readonly dialect = 'sqlite' as const;
  private readonly executor: SqlExecutor;
  private readonly gate: SqliteGate;

  constructor(private readonly db: DrizzleSqliteHandle) {
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
      try {
        const result = await work(this.executor, this.db);
        this.db.run(sql.raw('COMMIT'));
        return result;
      } catch (error) {
        this.db.run(sql.raw('ROLLBACK'));
        throw error;
      }
    });
  }

  join(handle: DrizzleSqliteHandle): SqlExecutor {
    return sqliteExecutor(handle);
  }
}
