/**
 * What an ORM package implements: run SQL text with positional parameters over the host's
 * connection or open transaction. Everything else (the statements, the concurrency rules, the
 * mapping of rows) lives in core, written once per dialect.
 */
export type SqlDialectName = 'postgres' | 'mysql' | 'sqlite';

export type SqlParam = string | number | bigint | boolean | null;

export interface SqlExecutor {
  readonly dialect: SqlDialectName;
  /** A statement that returns rows. Placeholders: `$1, $2 ...` on postgres, `?` elsewhere. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** A statement that returns no rows; resolves to the affected row count the driver reports. */
  execute(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

/**
 * A connection to the host's database through its ORM. As an executor it runs single statements
 * in autocommit mode (reads); `transaction` opens, commits or rolls back its own transaction;
 * `join` runs inside the host's open transaction and never ends it.
 */
export interface SqlConnection<THandle> extends SqlExecutor {
  /** Opens a transaction; `work` gets an executor inside it and the ORM's own handle for it. */
  transaction<T>(work: (executor: SqlExecutor, handle: THandle) => Promise<T>): Promise<T>;
  join(handle: THandle): SqlExecutor;
}
