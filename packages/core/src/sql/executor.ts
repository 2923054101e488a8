/**
 * What an ORM package implements: run SQL text with positional parameters over the host's
 * connection or open transaction. Everything else (the statements, the concurrency rules, the
 * mapping of rows) lives in core, written once per dialect.
 */
export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

export type SqlParam = string | number | bigint | boolean | null;

/** What core tells the ORM package about a statement besides its text. */
export interface StatementOptions {
  /**
   * The text is one of a fixed few (no list in it grows with the data), so a driver that can may
   * prepare it once per connection and reuse the plan (`driverStatement`, `statementName`). Only a hint: running it
   * unprepared is always correct. A reading text names its columns (no `*`): on SQLite its rows'
   * shape is taken when it is first prepared (`sqliteDriverExecutor`).
   */
  readonly prepare?: boolean;
}

/** The hint for a statement whose text is one of a fixed few. */
export const PREPARED: StatementOptions = { prepare: true };

export interface SqlExecutor {
  readonly dialect: SqlDialectName;
  /** A statement that returns rows. Placeholders: `$1, $2 ...` on postgres, `?` elsewhere. */
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
    options?: StatementOptions,
  ): Promise<Row[]>;
  /** A statement that returns no rows; resolves to the affected row count the driver reports. */
  execute(sql: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<number>;
  /**
   * PostgreSQL, where the driver can: runs `sql`, a `COPY ... FROM STDIN` (text format), with
   * `rows` as its data (each row ended by a newline, fields escaped as COPY reads them), on this
   * executor's connection and transaction; resolves to the rows copied. Bulk import takes it when
   * present and otherwise binds its columns as arrays.
   */
  copyFrom?(sql: string, rows: string): Promise<number>;
  /**
   * SQLite, where the driver tells it: runs `sql`, an `INSERT` of one row, and resolves to the
   * rowid the row was given (better-sqlite3's and node:sqlite's `lastInsertRowid`). An append
   * takes it for its event's position, where `RETURNING` would cost a row to build.
   */
  insertRowId?(sql: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<bigint>;
}

/**
 * A connection to the host's database through its ORM. As an executor it runs single statements
 * in autocommit mode (reads); `transaction` opens, commits or rolls back its own transaction;
 * `join` runs inside the host's open transaction and never ends it.
 */
/**
 * `THandle`: the ORM handles the connection joins; `TOwnHandle`: the kind its own transactions
 * hand over (TypeORM joins an EntityManager or a QueryRunner, and opens with an EntityManager).
 */
export interface SqlConnection<THandle, TOwnHandle extends THandle = THandle> extends SqlExecutor {
  /** Opens a transaction; `work` gets an executor inside it and the ORM's own handle for it. */
  transaction<T>(work: (executor: SqlExecutor, handle: TOwnHandle) => Promise<T>): Promise<T>;
  join(handle: THandle): SqlExecutor;
  /**
   * SQLite: this connection's transactions begin DEFERRED (its ORM cannot ask for `BEGIN
   * IMMEDIATE`), so the backend takes the write lock with each transaction's first statement,
   * retried while another process holds it.
   */
  readonly beginsDeferred?: boolean;
  /**
   * SQLite: a transaction for work that hands no ORM handle on (the store's appends that join no
   * transaction and run no projection): `BEGIN IMMEDIATE ... COMMIT` on the driver, queued like
   * `transaction` and kept apart from the ORM's own statements, without the ORM's transaction
   * machinery, which on SQLite costs more than the statements themselves (BENCHMARKS.md).
   */
  bareTransaction?<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T>;
}
