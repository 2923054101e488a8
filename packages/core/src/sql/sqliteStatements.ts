import type { SqlExecutor, SqlParam, StatementOptions } from './executor.js';

/**
 * A synchronous SQLite driver's database, as far as the store runs statements on it: better-sqlite3's
 * `Database` and node:sqlite's `DatabaseSync` both fit.
 */
export interface SqliteDriverDatabase {
  prepare(text: string): SqliteDriverStatement;
}

export interface SqliteDriverStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { readonly changes: number | bigint; readonly lastInsertRowid: number | bigint };
  /** better-sqlite3: whether the statement returns rows (`all` throws on one that does not). */
  readonly reader?: boolean;
}

/** Prepared statements kept per database; the oldest prepared goes first beyond this. */
export const SQLITE_STATEMENT_CACHE_SIZE = 200;

/**
 * One cache per database object (one connection), shared by every executor on it: the store's
 * own transactions, joined ones and autocommit reads. Only texts core marks `PREPARED` go in,
 * so the cache holds a fixed few; the bound is a guard, not a tuning knob. A prepared statement
 * outlives schema changes: SQLite re-prepares it on its next run (sqlite3_prepare_v2), and a
 * statement on a table that no longer exists fails as the unprepared text would.
 */
const caches = new WeakMap<SqliteDriverDatabase, Map<string, SqliteDriverStatement>>();

function prepared(database: SqliteDriverDatabase, text: string): SqliteDriverStatement {
  let cache = caches.get(database);
  if (!cache) {
    cache = new Map();
    caches.set(database, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    statement = withObjectRows(database.prepare(text));
    // The texts are a fixed few, so the bound is rarely reached: a hit costs one lookup, no reordering.
    if (cache.size >= SQLITE_STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(text, statement);
  }
  return statement;
}

/** better-sqlite3's statement, which can return each row as an array of its columns' values. */
interface ArrayRowsStatement extends SqliteDriverStatement {
  raw(toggle: boolean): unknown;
  columns(): readonly { readonly name: string }[];
}

function returnsArrayRows(statement: SqliteDriverStatement): statement is ArrayRowsStatement {
  const candidate = statement as Partial<ArrayRowsStatement>;
  return statement.reader === true && typeof candidate.raw === 'function' && typeof candidate.columns === 'function';
}

/**
 * A prepared reading statement (better-sqlite3) whose rows are read as arrays and made objects by
 * a function written for its columns, an object literal, so that every row of the statement has
 * one shape. better-sqlite3 12 (TypeORM's) builds each row object property by property, which
 * leaves it in V8's dictionary mode, where every read of a column is a hash lookup; 13 builds its
 * rows the same way as this. Where code cannot be generated, the statement is left as the driver
 * gives it.
 */
function withObjectRows(statement: SqliteDriverStatement): SqliteDriverStatement {
  if (!returnsArrayRows(statement)) return statement;
  const names = statement.columns().map((column) => column.name);
  let rowOf: (values: unknown[]) => unknown;
  try {
    const properties = names.map((name, index) => `${JSON.stringify(name)}: values[${index}]`).join(', ');
    rowOf = new Function('values', `return { ${properties} };`) as typeof rowOf;
  } catch {
    return statement;
  }
  statement.raw(true);
  return {
    reader: true,
    all: (...params) => (statement.all(...params) as unknown[][]).map(rowOf),
    run: (...params) => statement.run(...params),
  };
}

/** Both drivers refuse to bind booleans; SQLite stores them as 0/1 anyway. */
function bind(params: readonly SqlParam[]): readonly unknown[] {
  for (const value of params) {
    if (typeof value === 'boolean') return params.map((param) => (typeof param === 'boolean' ? Number(param) : param));
  }
  return params;
}

/**
 * Core's statements straight on an ORM's SQLite driver (better-sqlite3 or node:sqlite), for an
 * ORM package that can reach it: what that skips is the ORM's per-statement machinery (rebuilding
 * the text as a query object, its logger and result mapping), which on SQLite, where a statement
 * costs microseconds, was most of an append (BENCHMARKS.md). A statement core marks reusable
 * (`PREPARED`) is prepared once per database and reused, its rows made objects of one shape
 * (`withObjectRows`); the rows of any other come back as the driver gives them, exactly as through
 * the ORM's raw-SQL path (the ORMs hand raw statements to the same `all`).
 *
 * It runs on the database's one connection, so inside whatever transaction is open there: the
 * ORM package decides when that is the caller's (its transaction, or a joined one checked by
 * `beforeStatement`). `log` sees each statement first (the ORM's own query logger).
 */
export function sqliteDriverExecutor(
  database: SqliteDriverDatabase,
  options: { readonly beforeStatement?: () => void; readonly log?: (text: string, values: unknown[]) => void } = {},
): SqlExecutor {
  const { beforeStatement, log } = options;
  const statementFor = (text: string, values: readonly unknown[], statementOptions?: StatementOptions) => {
    beforeStatement?.();
    log?.(text, [...values]);
    return statementOptions?.prepare ? prepared(database, text) : database.prepare(text);
  };
  return {
    dialect: 'sqlite',
    async query<Row>(text: string, params: readonly SqlParam[] = [], statementOptions?: StatementOptions) {
      const values = bind(params);
      const statement = statementFor(text, values, statementOptions);
      if (statement.reader === false) {
        statement.run(...values);
        return [];
      }
      return statement.all(...values) as Row[];
    },
    async execute(text: string, params: readonly SqlParam[] = [], statementOptions?: StatementOptions) {
      const values = bind(params);
      return Number(statementFor(text, values, statementOptions).run(...values).changes);
    },
    async insertRowId(text: string, params: readonly SqlParam[] = [], statementOptions?: StatementOptions) {
      const values = bind(params);
      return BigInt(statementFor(text, values, statementOptions).run(...values).lastInsertRowid);
    },
  };
}

/** Whether `value` looks like a synchronous SQLite driver's database (has `prepare` and `exec`). */
export function isSqliteDriverDatabase(value: unknown): value is SqliteDriverDatabase {
  return (
    typeof (value as { prepare?: unknown } | undefined)?.prepare === 'function' &&
    typeof (value as { exec?: unknown }).exec === 'function'
  );
}
