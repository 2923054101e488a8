import type { SqlConnection, SqlDialectName, SqlExecutor, SqlParam, StatementOptions } from '@es/core/sql';
import { canCopy, copyIn, statementName } from '@es/core/sql';
import { type SQL, sql } from 'drizzle-orm';
import { isDrizzleKind } from './kinds.js';
import { nodePostgresPool } from './nodePostgresPool.js';
import { mysqlOpenCheck, type OpenCheck, postgresOpenCheck, transactionEnded } from './openTransactions.js';

/** What the backend needs of a Drizzle database or transaction on PostgreSQL or MySQL. */
export interface DrizzleAsyncHandle {
  execute(query: SQL): Promise<unknown>;
  /** Drizzle's internals; on PostgreSQL their `session` (`db._.session`, `tx._.session`) is used. */
  readonly _?: object;
}

/** A Drizzle database on PostgreSQL or MySQL: a handle that can open transactions. */
export interface DrizzleAsyncDatabase extends DrizzleAsyncHandle {
  transaction<T>(work: (tx: DrizzleAsyncHandle) => Promise<T>): Promise<T>;
}

/**
 * Drizzle's PgSession, as far as the store uses it: a query already in the driver's own text, and
 * on node-postgres (NodePgSession) the driver's client and Drizzle's logger.
 */
interface PgSessionRunner {
  readonly client?: unknown;
  readonly logger?: { logQuery(query: string, params: unknown[]): void };
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string | undefined,
    isResponseInArrayMode: false,
  ): { execute(): Promise<unknown> };
}

const isPgSessionRunner = (session: unknown): session is PgSessionRunner =>
  typeof (session as PgSessionRunner | undefined)?.prepareQuery === 'function';

const noCheck: OpenCheck = () => {};

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
 * text as a Drizzle `SQL` (the fallback, where no session is exposed) costs CPU on every append
 * (BENCHMARKS.md). `check` runs before every statement. Where the session runs on one
 * node-postgres client (a transaction's, or a database on a single Client), a bulk import can COPY
 * on that client, logged through Drizzle's logger.
 */
function postgresExecutor(handle: DrizzleAsyncHandle, check: OpenCheck = noCheck): SqlExecutor {
  const found = (handle._ as { session?: unknown } | undefined)?.session;
  const session = isPgSessionRunner(found) ? found : undefined;
  const client = session?.client;
  const copyFrom = canCopy(client)
    ? async (text: string, rows: string) => {
        check();
        session?.logger?.logQuery(text, []);
        return copyIn(client, text, rows);
      }
    : undefined;
  const run = (text: string, params: readonly SqlParam[] = [], options?: StatementOptions) => {
    check();
    return session
      ? session
          .prepareQuery(
            { sql: text, params: [...params] },
            undefined,
            options?.prepare ? statementName(text) : undefined,
            false,
          )
          .execute()
      : handle.execute(toDrizzleSql(text, params, 'postgres'));
  };
  return {
    dialect: 'postgres',
    ...(copyFrom && { copyFrom }),
    async query<Row>(text: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return ((await run(text, params, options)) as { rows: Row[] }).rows;
    },
    async execute(text, params, options) {
      return ((await run(text, params, options)) as { rowCount: number | null }).rowCount ?? 0;
    },
  };
}

function mysqlExecutor(handle: DrizzleAsyncHandle, check: OpenCheck = noCheck): SqlExecutor {
  const run = (text: string, params?: readonly SqlParam[]) => {
    check();
    return handle.execute(toDrizzleSql(text, params, 'mysql'));
  };
  return {
    dialect: 'mysql',
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      const [rows] = (await run(text, params)) as [Row[]];
      return rows;
    },
    async execute(text, params) {
      const [header] = (await run(text, params)) as [{ affectedRows?: number }];
      return header.affectedRows ?? 0;
    },
  };
}

/**
 * PostgreSQL / MySQL: Drizzle's own async transactions; the handle is Drizzle's `tx`. On a
 * node-postgres Pool, the same statements and transactions on the pool directly (`nodePostgresPool`).
 * A joined handle is checked before each statement (see openTransactions.ts).
 */
export function asyncConnection(
  db: DrizzleAsyncDatabase,
  dialect: 'postgres' | 'mysql',
): SqlConnection<DrizzleAsyncHandle> {
  const join =
    dialect === 'postgres'
      ? (handle: DrizzleAsyncHandle) => postgresExecutor(handle, postgresOpenCheck(handle))
      : (handle: DrizzleAsyncHandle) => mysqlExecutor(handle, mysqlOpenCheck(handle));
  const pool = dialect === 'postgres' ? nodePostgresPool(db) : undefined;
  if (pool) return { ...pool.executor, transaction: pool.transaction, join };
  const executor = dialect === 'postgres' ? postgresExecutor : mysqlExecutor;
  return {
    ...executor(db),
    async transaction<T>(work: (executor: SqlExecutor, handle: DrizzleAsyncHandle) => Promise<T>) {
      let opened: DrizzleAsyncHandle | undefined;
      try {
        return await db.transaction((tx) => {
          opened = tx;
          return work(executor(tx), tx);
        });
      } finally {
        if (opened) transactionEnded(opened);
      }
    },
    join,
  };
}

/** The connection for a Drizzle database of `dialect` (node-postgres, mysql2), undefined for any other. */
export function asyncConnectionFor(
  db: unknown,
  dialect: 'postgres' | 'mysql',
): SqlConnection<DrizzleAsyncHandle> | undefined {
  const kind = dialect === 'postgres' ? 'PgDialect' : 'MySqlDialect';
  return isDrizzleKind((db as { dialect?: unknown }).dialect, kind)
    ? asyncConnection(db as DrizzleAsyncDatabase, dialect)
    : undefined;
}
