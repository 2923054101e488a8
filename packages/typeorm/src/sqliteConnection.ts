import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { InvalidArgumentError, StoreError } from '@es/core';
import {
  immediateTransaction,
  isSqliteDriverDatabase,
  type SqlExecutor,
  SqliteGate,
  sqliteDriverExecutor,
} from '@es/core/sql';
import type { DataSource, DataSourceOptions, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { runnerExecutor, TypeOrmSqlConnection } from './connection.js';
import { assertTransactionOpen, joinedRunner, type TypeOrmHandle } from './handle.js';

type BetterSqlite3Options = Extract<DataSourceOptions, { type: 'better-sqlite3' }>;

const WAIT_MS = 30_000;

/**
 * What the backends of one DataSource share: it is one connection, however many backends use it.
 * `gate` queues the store's work; `open` is the store's transaction open on that connection, which
 * a transaction TypeORM starts meanwhile waits for (`waitForTheStore`), `waiting` of them.
 */
interface SharedConnection {
  readonly gate: SqliteGate;
  open: Promise<void> | undefined;
  waiting: number;
}

const shared = new WeakMap<DataSource, SharedConnection>();

/** The async context of work inside the store's own QueryRunner transaction: starts from there nest in it. */
const insideTheStore = new AsyncLocalStorage<SharedConnection>();

function sharedOf(dataSource: DataSource): SharedConnection {
  const known = shared.get(dataSource);
  if (known) return known;
  const { database } = dataSource.options as BetterSqlite3Options;
  const gate = new SqliteGate(database === ':memory:' ? database : resolve(database), WAIT_MS);
  const connection: SharedConnection = { gate, open: undefined, waiting: 0 };
  shared.set(dataSource, connection);
  dataSource.subscribers.push(waitForTheStore(connection));
  return connection;
}

/**
 * A subscriber that holds every transaction TypeORM starts on the DataSource (yours, and those
 * `manager.save` opens) while a transaction of the store's is open there, unless it starts from
 * inside that one (a projection's writes through the store's manager, which nest in it). TypeORM
 * runs both on one connection: without the wait, its `BEGIN` would fail, or nest yours inside the
 * store's as a savepoint that the store's rollback takes with it. TypeORM awaits the subscriber
 * before its `BEGIN`, with the QueryRunner already marked busy, so the store's next transaction in
 * turn waits for yours (`idleRunner`).
 */
function waitForTheStore(connection: SharedConnection): EntitySubscriberInterface {
  return {
    beforeTransactionStart: () => {
      const { open } = connection;
      if (!open || insideTheStore.getStore() === connection) return undefined;
      connection.waiting += 1;
      return open.finally(() => {
        connection.waiting -= 1;
      });
    },
  };
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
 * DataSource, which would otherwise swallow the store's work as a savepoint; and a transaction of
 * yours that starts while one of the store's is open waits for it (`waitForTheStore`). Statements
 * you run outside a transaction cannot be held: meanwhile they run inside the store's.
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
  private readonly shared: SharedConnection;

  constructor(dataSource: DataSource) {
    super(dataSource);
    if ((dataSource.options as BetterSqlite3Options).timeout !== 0) {
      throw new InvalidArgumentError(
        "@es/typeorm on SQLite needs the DataSource option `timeout: 0` (better-sqlite3's busy timeout blocks the event loop; the store waits for SQLite's write lock asynchronously instead)",
      );
    }
    this.shared = sharedOf(dataSource);
  }

  /**
   * `BEGIN IMMEDIATE ... COMMIT` on the better-sqlite3 Database, where TypeORM's QueryRunner does not
   * see it: none of its transaction machinery (broadcasts, a deferred `BEGIN`, then the write lock
   * taken by the store's first statement). A transaction TypeORM starts meanwhile waits for its end.
   */
  bareTransaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.shared.gate.writeTransaction(async () => {
      const { runner, end } = await this.claimRunner();
      try {
        const executor = driverExecutor(runner);
        return await immediateTransaction(executor, () => work(executor));
      } finally {
        end();
      }
    });
  }

  /** A transaction of the QueryRunner's own, so TypeORM writes through its manager (a projection's) nest in it. */
  override transaction<T>(work: (executor: SqlExecutor, handle: EntityManager) => Promise<T>): Promise<T> {
    return this.shared.gate.writeTransaction(async () => {
      const { runner, end } = await this.claimRunner();
      return insideTheStore.run(this.shared, async () => {
        try {
          await runner.startTransaction();
          const result = await work(driverExecutor(runner), runner.manager);
          await runner.commitTransaction();
          return result;
        } catch (error) {
          // Keep the original error; TypeORM's own transaction() ignores a failed ROLLBACK too.
          if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
          throw error;
        } finally {
          end();
        }
      });
    });
  }

  protected override autocommit<T>(statement: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    return this.shared.gate.exclusive(async () => statement(driverExecutor(await this.idleRunner())));
  }

  /**
   * The QueryRunner, idle, claimed for a transaction of the store's: found idle and marked open in
   * one turn, so a start TypeORM makes after that waits (`waitForTheStore`). `end` hands the runner
   * over to those waiting, marked busy again where the store's COMMIT cleared the mark theirs set.
   */
  private async claimRunner(): Promise<{ runner: QueryRunner; end: () => void }> {
    let runner = await this.idleRunner();
    while (runner.isTransactionActive) runner = await this.idleRunner();
    const { shared } = this;
    let ended = () => {};
    shared.open = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const end = () => {
      // The interface says readonly; TypeORM's own runners write the field as their transactions open and end.
      if (shared.waiting > 0) (runner as { isTransactionActive: boolean }).isTransactionActive = true;
      shared.open = undefined;
      ended();
    };
    return { runner, end };
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
