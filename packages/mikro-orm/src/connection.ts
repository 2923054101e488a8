import { resolve } from 'node:path';
import { InvalidArgumentError, StoreError } from '@es/core';
import type { SqlConnection, SqlDialectName, SqlExecutor, SqlParam, StatementOptions } from '@es/core/sql';
import {
  driverStatement,
  immediateTransaction,
  isSqliteDriverDatabase,
  type NodePostgresQueryable,
  nodePostgresExecutor,
  type SqliteDriverDatabase,
  SqliteGate,
  sqliteDriverExecutor,
} from '@es/core/sql';
import {
  BaseMySqlPlatform,
  BasePostgreSqlPlatform,
  NodeSqliteDialect,
  type SqlEntityManager,
  SqlitePlatform,
} from '@mikro-orm/sql';
import { CompiledQuery, type Kysely } from 'kysely';
import { openTransactionOf, watchSavepoints } from './hostTransaction.js';

/** What the backend is given and hands out: a MikroORM SQL EntityManager. */
export type MikroOrmHandle = SqlEntityManager;

/** What Kysely offers on the pool and on an open transaction alike. */
type KyselyRunner = Pick<Kysely<unknown>, 'executeQuery'>;

/**
 * Runs core's SQL text through Kysely as `CompiledQuery.raw`: the text and its native
 * placeholders (`$n` on pg, `?` on mysql2 and better-sqlite3) reach the driver untouched, and
 * driver errors come back unwrapped. (`em.execute` would inline the values and convert errors.)
 */
function kyselyExecutor(dialect: SqlDialectName, runner: KyselyRunner, beforeEach?: () => void): SqlExecutor {
  // better-sqlite3 refuses to bind booleans; SQLite stores them as 0/1 anyway.
  const bind = (value: SqlParam) => (dialect === 'sqlite' && typeof value === 'boolean' ? Number(value) : value);
  // PostgreSQL: Kysely hands the text to node-postgres untouched, so a reusable statement goes as
  // node-postgres's named statement and is prepared once per connection.
  const run = (sql: string, params: readonly SqlParam[] = [], options?: StatementOptions) => {
    beforeEach?.();
    return runner.executeQuery(CompiledQuery.raw(driverStatement(dialect, sql, options), params.map(bind)));
  };
  return {
    dialect,
    async query<Row>(sql: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return (await run(sql, params, options)).rows as Row[];
    },
    async execute(sql, params, options) {
      // pg: rowCount; mysql2: affectedRows; better-sqlite3: changes.
      return Number((await run(sql, params, options)).numAffectedRows ?? 0n);
    },
  };
}

export function dialectOf(em: MikroOrmHandle): SqlDialectName {
  const platform = em.getPlatform();
  if (platform instanceof BasePostgreSqlPlatform) return 'postgres';
  if (platform instanceof BaseMySqlPlatform) return 'mysql'; // MySQL and MariaDB
  if (platform instanceof SqlitePlatform) return 'sqlite';
  throw new InvalidArgumentError(
    `@es/mikro-orm: unsupported MikroORM platform ${platform.constructor.name} (PostgreSQL, MySQL/MariaDB and SQLite are supported; a second copy of @mikro-orm/sql is not recognised either)`,
  );
}

/**
 * A `SqlConnection` over a MikroORM EntityManager (PostgreSQL, MySQL/MariaDB). Its own
 * transactions run in `em.fork().transactional()`, so the handle they pass on is a transactional
 * EntityManager with its own identity map; `join(em)` runs on the transaction `em` is in.
 */
export class MikroOrmSqlConnection implements SqlConnection<MikroOrmHandle> {
  readonly dialect: SqlDialectName;

  constructor(protected readonly em: MikroOrmHandle) {
    this.dialect = dialectOf(em);
    watchSavepoints(em);
  }

  /** An autocommit statement on the ORM's pool. */
  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
    options?: StatementOptions,
  ): Promise<Row[]> {
    return (await this.pool()).query<Row>(sql, params, options);
  }

  async execute(sql: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<number> {
    return (await this.pool()).execute(sql, params, options);
  }

  transaction<T>(work: (executor: SqlExecutor, handle: MikroOrmHandle) => Promise<T>): Promise<T> {
    return this.em.fork().transactional((em) => work(this.join(em), em));
  }

  /** Runs on the transaction `em` belongs to (the `em` of an `em.transactional()` callback). */
  join(em: MikroOrmHandle): SqlExecutor {
    // Refused, here and before each statement, once the transaction has ended (TransactionNotOpenError).
    const { transaction, assertOpen } = openTransactionOf(em);
    return kyselyExecutor(this.dialect, transaction, assertOpen);
  }

  private nativePool: SqlExecutor | undefined;

  protected async pool(): Promise<SqlExecutor> {
    if (this.nativePool) return this.nativePool;
    // Not `em.getKysely()`: inside someone's em.transactional() it resolves to their transaction.
    const connection = this.em.getConnection('write');
    // MikroORM connects lazily, and getClient() throws until the driver has connected.
    await connection.ensureConnection();
    // PostgreSQL: on the pg Pool under Kysely, unless a hook of yours must run on every connection
    // it hands out (`onReserveConnection`, `sessionContext: 'connection'`). Kysely's per-statement
    // connection handling kept reads' rows alive across scavenges (figures in BENCHMARKS.md).
    const { config } = this.em;
    const hooked = config.get('onReserveConnection') !== undefined || config.get('sessionContext') === 'connection';
    if (this.dialect === 'postgres' && !hooked) {
      this.nativePool = nodePostgresExecutor((await connection.getNativeClient()) as NodePostgresQueryable);
      return this.nativePool;
    }
    return kyselyExecutor(this.dialect, connection.getClient());
  }
}

/**
 * SQLite (better-sqlite3): one writer at a time, see core's SqliteGate. Every statement of this
 * connection goes through the gate; its own transactions queue as writers and take the write lock
 * with their first statement. MikroORM always opens SQLite transactions with a plain `begin`, so
 * that statement is a write that changes nothing (the equivalent of `BEGIN IMMEDIATE`), retried
 * while another process holds the lock. Configure better-sqlite3 with `driverOptions: { timeout: 0 }`:
 * its busy timeout blocks the event loop.
 */
export class MikroOrmSqliteConnection extends MikroOrmSqlConnection {
  /** MikroORM's transactions on SQLite begin deferred. */
  readonly beginsDeferred = true;
  private readonly gate: SqliteGate;

  constructor(em: MikroOrmHandle) {
    super(em);
    // node:sqlite (`driverOptions: new NodeSqliteDialect(file)`) opens with no busy timeout.
    const driverOptions = em.config.get('driverOptions') as { timeout?: unknown } | undefined;
    if (!(driverOptions instanceof NodeSqliteDialect) && driverOptions?.timeout !== 0) {
      throw new InvalidArgumentError(
        "@es/mikro-orm on SQLite needs `driverOptions: { timeout: 0 }` (better-sqlite3's busy timeout blocks the event loop; the store waits for SQLite's write lock asynchronously instead)",
      );
    }
    const file = String(em.config.get('dbName') ?? '');
    this.gate = new SqliteGate(file === ':memory:' || file === '' ? file : resolve(file));
  }

  override query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
    options?: StatementOptions,
  ): Promise<Row[]> {
    this.refuseInsideHostTransaction();
    return this.gate.exclusive(async () => (await this.autocommitExecutor()).query<Row>(sql, params, options));
  }

  override execute(sql: string, params?: readonly SqlParam[], options?: StatementOptions): Promise<number> {
    this.refuseInsideHostTransaction();
    return this.gate.exclusive(async () => (await this.autocommitExecutor()).execute(sql, params, options));
  }

  /**
   * MikroORM holds ONE connection to a SQLite file. Inside your `em.transactional()` that
   * connection is your transaction's, so a store call that is not joined to it would wait for it
   * forever (your transaction waits for the call). Refuse at once instead.
   */
  private refuseInsideHostTransaction(): void {
    if (this.em.isInTransaction()) {
      throw new StoreError(
        '@es/mikro-orm on SQLite: this call runs inside your em.transactional() but is not joined to it, and SQLite has one connection, which your transaction holds. Use store.withTransaction(em) with the em your callback got.',
      );
    }
  }

  override transaction<T>(work: (executor: SqlExecutor, handle: MikroOrmHandle) => Promise<T>): Promise<T> {
    this.refuseInsideHostTransaction();
    return this.gate.writeTransaction(() => this.em.fork().transactional((em) => work(this.join(em), em)));
  }

  /**
   * `BEGIN IMMEDIATE ... COMMIT` while holding Kysely's one connection (`kysely.connection()`), so
   * MikroORM's own statements and transactions queue behind it as they queue behind each other,
   * and none runs inside it; on better-sqlite3 the statements go to its `Database`, elsewhere
   * (node:sqlite) through that connection. What it leaves out is `em.fork().transactional()`: a new
   * EntityManager, its events and flush, Kysely's compiled `begin` and `commit`, and a write-lock
   * statement after the deferred begin.
   */
  bareTransaction<T>(work: (executor: SqlExecutor) => Promise<T>): Promise<T> {
    this.refuseInsideHostTransaction();
    return this.gate.writeTransaction(async () => {
      const database = await driverDatabaseOf(this.em);
      const kysely = this.em.getConnection('write').getClient() as Kysely<unknown>;
      return kysely.connection().execute((held) => {
        const executor = database ? sqliteDriverExecutor(database) : kyselyExecutor('sqlite', held);
        return immediateTransaction(executor, () => work(executor));
      });
    });
  }

  /**
   * On better-sqlite3 (`@mikro-orm/sqlite`), core's statements run on the `Database` under the
   * connection `em` belongs to (your ORM's, which need not be this backend's), inside the
   * transaction `em` is in, prepared once per database where core marks them reusable: Kysely's
   * per-statement work (a compiled query, the connection mutex, the result object) was most of a
   * statement's cost (BENCHMARKS.md). Where MikroORM does not expose its database (the generic
   * driver with a dialect of yours, such as node:sqlite's), Kysely's path.
   */
  override join(em: MikroOrmHandle): SqlExecutor {
    const { transaction, assertOpen } = openTransactionOf(em);
    const database = driverDatabaseOf(em);
    let executor: SqlExecutor | undefined;
    const resolved = async () => {
      if (executor) return executor;
      const found = await database;
      executor = found
        ? sqliteDriverExecutor(found, { beforeStatement: assertOpen })
        : kyselyExecutor('sqlite', transaction, assertOpen);
      return executor;
    };
    // Once found, statements go straight to it, without a hop through the lookup's promise each.
    return {
      dialect: 'sqlite',
      query: (sql, params, options) =>
        executor ? executor.query(sql, params, options) : resolved().then((found) => found.query(sql, params, options)),
      execute: (sql, params, options) =>
        executor
          ? executor.execute(sql, params, options)
          : resolved().then((found) => found.execute(sql, params, options)),
    };
  }

  /**
   * An autocommit statement: on the driver's database while no transaction is open on it; while
   * one is (yours, on another EntityManager), through Kysely, which queues it behind that
   * transaction instead of running it inside.
   */
  private async autocommitExecutor(): Promise<SqlExecutor> {
    const database = await driverDatabaseOf(this.em);
    if (database && (database as { inTransaction?: unknown }).inTransaction === false) {
      return sqliteDriverExecutor(database);
    }
    return this.pool();
  }
}

/** The driver's database under each MikroORM connection, looked up once (MikroORM connects lazily). */
const driverDatabases = new WeakMap<object, Promise<SqliteDriverDatabase | undefined>>();

/** better-sqlite3's Database under the write connection of `em`, or undefined where MikroORM does not expose it. */
function driverDatabaseOf(em: MikroOrmHandle): Promise<SqliteDriverDatabase | undefined> {
  const connection = em.getConnection('write') as { getNativeClient?(): Promise<unknown> };
  let database = driverDatabases.get(connection);
  if (!database) {
    database = (async () => {
      const client = await connection.getNativeClient?.().catch(() => undefined);
      return isSqliteDriverDatabase(client) ? client : undefined;
    })();
    driverDatabases.set(connection, database);
  }
  return database;
}
