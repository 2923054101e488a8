import { resolve } from 'node:path';
import { InvalidArgumentError, StoreError } from '@es/core';
import { isSqliteDriverDatabase, type SqlExecutor, SqliteGate, sqliteDriverExecutor } from '@es/core/sql';
import type { DataSource, DataSourceOptions, EntityManager, QueryRunner } from 'typeorm';
import { runnerExecutor, TypeOrmSqlConnection } from './connection.js';
import { assertTransactionOpen, joinedRunner, type TypeOrmHandle } from './handle.js';

type BetterSqlite3Options = Extract<DataSourceOptions, { type: 'better-sqlite3' }>;

const WAIT_MS = 30_000;

/** One gate per DataSource: it is one connection, however many backends use it. */
const gates = new WeakMap<DataSource, SqliteGate>();

function gateOf(dataSource: DataSource): SqliteGate {
  let gate = gates.get(dataSource);
  if (!gate) {
    const { database } = dataSource.options as BetterSqlite3Options;
    gate = new SqliteGate(database === ':memory:' ? database : resolve(database), WAIT_MS);
    gates.set(dataSource, gate);
  }
  return gate;
}

/**
 * Core's statements on the better-sqlite3 `Database` under `runner` (the DataSource's one
 * connection, so inside the transaction the runner holds), prepared once per database where core
 * marks them reusable and logged through the DataSource's logger. TypeORM's `runner.query` caches
 * statements too, but its per-statement work around them (the subscribers' broadcasts, the
 * structured result, the error wrapping) is most of a statement's cost on SQLite (BENCHMARKS.md).
 * A driver of another kind keeps the runner's own path.
 */
function driverExecutor(runner: QueryRunner, beforeStatement?: () => void): SqlExecutor {
  const { driver, logger } = runner.connection;
  const database = (driver as { databaseConnection?: unknown }).databaseConnection;
  if (!isSqliteDriverDatabase(database)) return runnerExecutor('sqlite', runner, beforeStatement);
  return sqliteDriverExecutor(database, {
    beforeStatement,
    log: (text, values) => logger.logQuery(text, values, runner),
  });
}

/**
 * SQLite through better-sqlite3. A TypeORM DataSource is ONE connection there, and every
 * transaction on it (yours and the store's) runs on its one QueryRunner. So the store queues its
 * statements and transactions behind core's SqliteGate (one writer per file, waiting without
 * blocking the event loop), and never starts while a transaction of yours is open on the same
 * DataSource, which would otherwise swallow the store's work as a savepoint.
 *
 * Needs the DataSource option `timeout: 0`: better-sqlite3 is synchronous, and a busy timeout
 * would stop the whole process while it waits for another connection's write lock.
 */
export class TypeOrmSqliteConnection extends TypeOrmSqlConnection {
  /**
   * TypeORM opens transactions with a deferred `BEGIN` and cannot ask for `BEGIN IMMEDIATE`; going
   * through its own `startTransaction` keeps its QueryRunner aware of the transaction, so
   * `manager.save` inside it nests as a savepoint instead of failing on a second BEGIN.
   */
  readonly beginsDeferred = true;
  private readonly gate: SqliteGate;

  constructor(dataSource: DataSource) {
    super(dataSource);
    if ((dataSource.options as BetterSqlite3Options).timeout !== 0) {
      throw new InvalidArgumentError(
        "@es/typeorm on SQLite needs the DataSource option `timeout: 0` (better-sqlite3's busy timeout blocks the event loop; the store waits for SQLite's write lock asynchronously instead)",
      );
    }
    this.gate = gateOf(dataSource);
  }

  override transaction<T>(work: (executor: SqlExecutor, handle: EntityManager) => Promise<T>): Promise<T> {
    return this.gate.writeTransaction(async () => {
      const runner = await this.idleRunner();
      await runner.startTransaction();
      try {
        const result = await work(driverExecutor(runner), runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        // Keep the original error; TypeORM's own transaction() ignores a failed ROLLBACK too.
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    });
  }

  protected override autocommit<T>(statement: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.gate.exclusive(async () => statement(driverExecutor(await this.idleRunner())));
  }

  /** Refuses a handle whose transaction is not open (TransactionNotOpenError), now and at every statement. */
  override join(handle: TypeOrmHandle): SqlExecutor {
    const runner = joinedRunner(handle);
    return driverExecutor(runner, () => assertTransactionOpen(runner));
  }

  /** The DataSource's QueryRunner, once no transaction is open on it (a host's, outside the gate). */
  private async idleRunner(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    const deadline = Date.now() + WAIT_MS;
    for (let delay = 1; runner.isTransactionActive; delay = Math.min(delay * 2, 20)) {
      if (Date.now() > deadline) {
        throw new StoreError(
          `Waited ${WAIT_MS} ms for a TypeORM transaction on this SQLite DataSource to end. TypeORM runs every transaction of a SQLite DataSource on its one connection: inside dataSource.transaction(), pass the manager to store.withTransaction(manager) instead of using the store on its own.`,
        );
      }
      await new Promise((done) => setTimeout(done, delay));
    }
    return runner;
  }
}
