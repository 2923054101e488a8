import { StoreError } from '@es/core';
import type { SqlConnection, SqlDialectName, SqlExecutor, SqlParam, StatementOptions } from '@es/core/sql';
import { canCopy, copyIn, driverStatement, isNodePostgresPool, nodePostgresExecutor } from '@es/core/sql';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { dialectOf } from './dialect.js';
import { assertTransactionOpen, joinedRunner, type TypeOrmHandle } from './handle.js';

/** TypeORM's structured result (`queryRunner.query(sql, params, true)`), the same on every driver. */
interface StructuredResult {
  readonly records?: unknown[];
  readonly affected?: number;
}

/**
 * Runs the store's SQL on one QueryRunner: its connection, and its transaction if one is open.
 * `beforeStatement` runs first, for every statement (a joined handle's check that it is still open).
 */
export function runnerExecutor(
  dialect: SqlDialectName,
  runner: QueryRunner,
  beforeStatement?: () => void,
): SqlExecutor {
  // better-sqlite3 refuses booleans, and TypeORM hands raw-query parameters through untouched.
  const bind =
    dialect === 'sqlite'
      ? (params: readonly SqlParam[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p))
      : (params: readonly SqlParam[]) => [...params];
  // PostgreSQL: a reusable statement goes through TypeORM as node-postgres's named statement, so
  // it is prepared once per connection (TypeORM passes the text to pg untouched and logs it as text).
  // (A throw from beforeStatement reaches the caller as the rejection of query/execute.)
  const run = (sql: string, params: readonly SqlParam[] = [], options?: StatementOptions) => {
    beforeStatement?.();
    return runner.query(driverStatement(dialect, sql, options), bind(params), true) as Promise<StructuredResult>;
  };
  // PostgreSQL on node-postgres (not pg-native): a COPY goes on the runner's own client, inside
  // its transaction; TypeORM has no COPY of its own.
  const native = (runner.connection?.options as { useNative?: unknown } | undefined)?.useNative;
  const copyFrom =
    dialect === 'postgres' && !native
      ? async (sql: string, rows: string) => {
          beforeStatement?.();
          const client: unknown = await runner.connect();
          if (!canCopy(client)) throw new StoreError('@es/typeorm: this PostgreSQL driver cannot COPY');
          runner.connection.logger.logQuery(sql, [], runner);
          return copyIn(client, sql, rows);
        }
      : undefined;
  return {
    dialect,
    ...(copyFrom && { copyFrom }),
    async query<Row>(sql: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return ((await run(sql, params, options)).records ?? []) as Row[];
    },
    async execute(sql: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return (await run(sql, params, options)).affected ?? 0;
    },
  };
}

/**
 * The store's connection to your DataSource on PostgreSQL and MySQL/MariaDB. Single statements
 * run on a pooled connection in autocommit mode; the store's own transactions are
 * `dataSource.transaction(...)`; `join` runs on the QueryRunner of your open transaction and
 * never commits or rolls it back.
 */
export class TypeOrmSqlConnection implements SqlConnection<TypeOrmHandle, EntityManager> {
  readonly dialect: SqlDialectName;

  constructor(protected readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource.options.type);
  }

  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
    options?: StatementOptions,
  ): Promise<Row[]> {
    return this.autocommit((executor) => executor.query<Row>(sql, params, options));
  }

  execute(sql: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<number> {
    return this.autocommit((executor) => executor.execute(sql, params, options));
  }

  transaction<T>(work: (executor: SqlExecutor, handle: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) =>
      work(runnerExecutor(this.dialect, manager.queryRunner as QueryRunner), manager),
    );
  }

  /** Refuses a handle whose transaction is not open (TransactionNotOpenError), now and at every statement. */
  join(handle: TypeOrmHandle): SqlExecutor {
    const runner = joinedRunner(handle);
    return runnerExecutor(this.dialect, runner, () => assertTransactionOpen(runner));
  }

  private pool: SqlExecutor | null | undefined;
  /**
   * PostgreSQL without replication: single statements go to the driver's node-postgres pool
   * directly, logged through the DataSource's logger. A QueryRunner per statement (TypeORM's own
   * way) kept about 7 MB alive across every scavenge while 1,000-event reads ran, and spent eight
   * times the garbage collection of the same reads on the pool (BENCHMARKS.md).
   */
  private postgresPool(): SqlExecutor | undefined {
    if (this.pool === undefined) {
      const { driver, logger, options } = this.dataSource;
      const master = (driver as { master?: unknown }).master;
      const replicated = (options as { replication?: unknown }).replication !== undefined;
      if (this.dialect === 'postgres' && !replicated && isNodePostgresPool(master)) {
        this.pool = nodePostgresExecutor(master, (text, values) => logger.logQuery(text, values));
      } else if (this.dataSource.isInitialized) {
        this.pool = null; // MySQL, replication, or another pool: a QueryRunner per statement
      }
    }
    return this.pool ?? undefined;
  }

  protected async autocommit<T>(statement: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    const pool = this.postgresPool();
    if (pool) return statement(pool);
    const runner = this.dataSource.createQueryRunner();
    try {
      return await statement(runnerExecutor(this.dialect, runner));
    } finally {
      await runner.release();
    }
  }
}
