import type {
  AppendOutcome,
  AppendRequest,
  BackendSession,
  EventStoreBackend,
  SessionOptions,
} from '../backend/index.js';
import { ConcurrencyError, DuplicateEventIdError, EsError, SchemaMismatchError, StoreError } from '../errors/index.js';
import { type SqlDialect, sqlDialect } from './dialects/index.js';
import { classifySqlError } from './errors.js';
import { PREPARED, type SqlConnection, type SqlExecutor, type SqlParam, type StatementOptions } from './executor.js';
import { joinedWrite } from './joinedWrites.js';
import { notificationChannel } from './postgresWakeUp.js';
import { retryWhileBusy } from './sqliteLocking.js';
import { createStatements } from './statements/index.js';
import { DEFAULT_TABLE_PREFIX, type TableNames, tableNames } from './tables.js';

/** The store's settings an ORM package takes from its user and passes on unchanged. */
export interface SqlStoreOptions {
  /** Table-name prefix (default `es_`): the same as given to `configureModels`. */
  readonly tablePrefix?: string;
  /**
   * PostgreSQL: `NOTIFY <prefix>events` with every append (delivered at commit), a wake-up hint
   * for consumers listening with `postgresWakeUp`. Off by default: NOTIFY serializes commits.
   */
  readonly notify?: boolean;
  /**
   * PostgreSQL: lets the ORM package run the store's hot statements (appends, stream and snapshot
   * reads, checkpoints) as prepared statements where its driver can (default true). Turn off
   * behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  readonly preparedStatements?: boolean;
}

export interface SqlBackendOptions<THandle, TOwnHandle extends THandle = THandle> extends SqlStoreOptions {
  /** The ORM package's name, for reports: `drizzle`, `typeorm` ... */
  readonly name: string;
  readonly connection: SqlConnection<THandle, TOwnHandle>;
}

export interface SqlBackend<THandle, TOwnHandle extends THandle = THandle> extends EventStoreBackend<THandle> {
  readonly tables: TableNames;
  /** The dialect's syntax and capabilities. */
  readonly sqlDialect: SqlDialect;
  readonly connection: SqlConnection<THandle, TOwnHandle>;
  /**
   * Runs `work` in a new transaction of your ORM and commits it (rolls back if `work` throws),
   * queued with the store's own on SQLite. Pass the handle `work` gets to `store.withTransaction`.
   */
  runInTransaction<T>(work: (handle: TOwnHandle) => Promise<T>): Promise<T>;
}

/**
 * The store's savepoints open in each host transaction (by handle). Joined writes run one at a time
 * per handle (`joinedWrite`), a nested one (an inline projection's) inside the outer's savepoint,
 * so on SQLite a savepoint is named by its depth: the names are a fixed few, each prepared once per
 * connection instead of at every joined write. Should two handles of one transaction nest, a name
 * repeats, which SQLite resolves to the latest savepoint of that name; MySQL would drop the
 * earlier one instead, so PostgreSQL and MySQL, which prepare no savepoints, keep unique names.
 */
const openSavepoints = new WeakMap<object, number>();
const DETACHED = {};
function enterSavepoint(handle: unknown): number {
  const key = typeof handle === 'object' && handle !== null ? handle : DETACHED;
  const depth = (openSavepoints.get(key) ?? 0) + 1;
  openSavepoints.set(key, depth);
  return depth;
}
function leaveSavepoint(handle: unknown, depth: number): void {
  const key = typeof handle === 'object' && handle !== null ? handle : DETACHED;
  openSavepoints.set(key, depth - 1);
}

/** A race the database caught (a unique key) after the version check passed. */
class RaceLost extends Error {
  constructor(readonly request: AppendRequest) {
    super('lost a race on a unique key');
  }
}

/**
 * The backend every ORM package uses: the dialect's SQL run over the ORM's connection. Own
 * transactions are opened by the connection; inside the host's transaction each write runs
 * under a savepoint, so a failed append leaves the host's transaction usable and untouched.
 */
export function createSqlBackend<THandle, TOwnHandle extends THandle = THandle>(
  options: SqlBackendOptions<THandle, TOwnHandle>,
): SqlBackend<THandle, TOwnHandle> {
  const { connection } = options;
  const tables = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const dialect = sqlDialect(connection.dialect);
  // NOTIFY is PostgreSQL's; the option means nothing elsewhere.
  const notifyChannel = options.notify && connection.dialect === 'postgres' ? notificationChannel(tables) : undefined;
  const statements = createStatements(dialect, tables, notifyChannel);
  const { oneStatementAppend } = dialect.capabilities;
  // PostgreSQL and MySQL prepare no savepoint statements; SQLite's driver prepares any text.
  const savepointHint = connection.dialect === 'sqlite' ? PREPARED : undefined;
  const takesWriteLockFirst = connection.dialect === 'sqlite' && connection.beginsDeferred === true;
  const bare = connection.bareTransaction
    ? (connection as typeof connection & Required<Pick<typeof connection, 'bareTransaction'>>)
    : undefined;

  /** A transaction of the connection's own, holding SQLite's write lock from its start. */
  const openTransaction = <T>(work: (executor: SqlExecutor, handle: TOwnHandle) => Promise<T>): Promise<T> =>
    connection.transaction(async (executor, handle) => {
      if (takesWriteLockFirst) await retryWhileBusy(() => statements.takeWriteLock(executor));
      return work(executor, handle);
    });

  const conflict = async (executor: SqlExecutor, request: AppendRequest): Promise<never> => {
    if (request.callerEventIds) {
      const taken = await statements.findEventIds(
        executor,
        request.events.map((event) => event.eventId),
      );
      if (taken.length > 0) throw new DuplicateEventIdError(taken);
    }
    const actual = await statements.latestStreamVersion(executor, request.stream);
    throw new ConcurrencyError(request.stream, request.expectedVersion, actual);
  };

  /** PostgreSQL and MySQL: savepoint names unique across the backend's sessions. */
  let savepoints = 0;
  const session = (executor: SqlExecutor, handle: THandle | undefined, joined: boolean): BackendSession<THandle> => {
    /** Inside the host's transaction, make one write all-or-nothing. */
    const atomically = async <T>(work: () => Promise<T>): Promise<T> => {
      if (!joined) return work();
      const depth = enterSavepoint(handle);
      const name = `es_sp_${savepointHint ? depth : ++savepoints}`;
      try {
        await executor.execute(dialect.savepoint(name), [], savepointHint);
        try {
          const result = await work();
          await executor.execute(dialect.releaseSavepoint(name), [], savepointHint);
          return result;
        } catch (error) {
          await executor.execute(dialect.rollbackToSavepoint(name), [], savepointHint);
          await executor.execute(dialect.releaseSavepoint(name), [], savepointHint);
          if (error instanceof RaceLost) return conflict(executor, error.request);
          throw error;
        }
      } finally {
        leaveSavepoint(handle, depth);
      }
    };

    /** Set once this session lost a data key's insert to another transaction: its reads of keys lock from then on. */
    let lostKeyInsert = false;

    return {
      handle,
      append(request, within) {
        const append = async (): Promise<AppendOutcome> => {
          if (request.callerEventIds) {
            const taken = await statements.findEventIds(
              executor,
              request.events.map((event) => event.eventId),
            );
            if (taken.length > 0) throw new DuplicateEventIdError(taken);
          }
          let outcome: AppendOutcome | undefined;
          try {
            outcome = await statements.appendEvents(executor, request);
          } catch (error) {
            if (classifySqlError(error) === 'unique_violation') throw new RaceLost(request);
            throw error;
          }
          if (!outcome) {
            throw new ConcurrencyError(
              request.stream,
              request.expectedVersion,
              await statements.latestStreamVersion(executor, request.stream),
            );
          }
          if (within) await within(outcome);
          return outcome;
        };
        // A one-statement append with generated ids fails only as a failed check, which writes and
        // aborts nothing: inside the host's transaction it needs no savepoint (two round trips)
        // unless a projection's writes may need undoing, a caller's event id may be taken, or a
        // condition runs statements of its own first.
        return oneStatementAppend && !request.callerEventIds && !within && !request.condition
          ? append()
          : atomically(append);
      },
      readStream: (query) => statements.readStream(executor, query),
      streamVersion: (stream) => statements.streamVersion(executor, stream),
      deleteStream: (stream) => atomically(() => statements.deleteStream(executor, stream)),
      listStreams: (query) => statements.listStreams(executor, query),
      listCategories: (query) => statements.listCategories(executor, query),
      readEvent: (eventId) => statements.readEvent(executor, eventId),
      readLog: (query) => statements.readLog(executor, query),
      readQuery: (request) => statements.readQuery(executor, request),
      saveSnapshot: (snapshot) => atomically(() => statements.saveSnapshot(executor, snapshot)),
      loadSnapshot: (stream) => statements.loadSnapshot(executor, stream),
      logHead: () => statements.logHead(executor),
      logEnd: () => statements.logEnd(executor),
      logPositionAt: (position) => statements.logPositionAt(executor, position),
      countLog: (after, filter) => statements.countLog(executor, after, filter),
      claimConsumer: (consumer, owner, leaseMs) => statements.claimConsumer(executor, consumer, owner, leaseMs),
      storeCheckpoint: (consumer, owner, from, to) => statements.storeCheckpoint(executor, consumer, owner, from, to),
      releaseConsumer: (consumer, owner) => statements.releaseConsumer(executor, consumer, owner),
      readCheckpoint: (consumer) => statements.readCheckpoint(executor, consumer),
      listConsumers: (tenant, prefix) => statements.listConsumers(executor, tenant, prefix),
      deleteConsumer: (consumer, owner) => statements.deleteConsumer(executor, consumer, owner),
      parkEvent: (consumer, parked) => statements.parkEvent(executor, consumer, parked),
      listParked: (consumer, limit, halted) => statements.listParked(executor, consumer, limit, halted),
      removeParked: (consumer, positions) => statements.removeParked(executor, consumer, positions),
      now: () => statements.now(executor),
      oldestOpenTransaction: () => statements.oldestOpenTransaction(executor),
      claimOutbox: (owner, now, leaseUntil, limit, tenant) =>
        statements.claimOutbox(executor, owner, now, leaseUntil, limit, tenant),
      completeOutbox: (owner, ids) => statements.completeOutbox(executor, owner, ids),
      failOutbox: (owner, id, error, retryAt) => statements.failOutbox(executor, owner, id, error, retryAt),
      releaseOutbox: (owner, ids, now) => statements.releaseOutbox(executor, owner, ids, now),
      listDeadOutbox: (limit, tenant) => statements.listOutbox(executor, { status: 'dead', limit, tenant }),
      listOutbox: (query) => statements.listOutbox(executor, query),
      reviveDeadOutbox: (ids, now, tenant) => statements.reviveDeadOutbox(executor, ids, now, tenant),
      purgeDeadOutbox: (ids, tenant) => statements.purgeDeadOutbox(executor, ids, tenant),
      countOutbox: (tenant) => statements.countOutbox(executor, tenant),
      importBatch: (request) => atomically(() => statements.importBatch(executor, request)),
      findDataKey: (tenant, keyId) => statements.findDataKey(executor, tenant, keyId),
      currentDataKey: (tenant, subject) => statements.currentDataKey(executor, tenant, subject, lostKeyInsert),
      insertDataKey: (row) =>
        atomically(async () => {
          const inserted = await statements.insertDataKey(executor, row);
          if (!inserted) lostKeyInsert = true;
          return inserted;
        }),
      deleteDataKeys: (tenant, subject) => atomically(() => statements.deleteDataKeys(executor, tenant, subject)),
    };
  };

  const describe = (error: unknown) =>
    `${options.name}/${connection.dialect} (${classifySqlError(error)}): ${(error as Error)?.message ?? String(error)}`;
  const storeError = (error: unknown) =>
    new StoreError(describe(error), { cause: error, retryable: classifySqlError(error) === 'lock_conflict' });

  const prepare = options.preparedStatements ?? true;
  const hint = (statement?: StatementOptions) => (prepare ? statement : undefined);
  /**
   * Driver errors become StoreError at the statement that failed (the cause keeps the original);
   * an EsError the connection raised itself (TransactionNotOpenError from a joined handle) stays.
   */
  const statementError = (error: unknown): never => {
    throw error instanceof EsError ? error : storeError(error);
  };
  const guarded = (executor: SqlExecutor): SqlExecutor => ({
    dialect: executor.dialect,
    query: <Row>(sql: string, params?: readonly SqlParam[], statement?: StatementOptions) =>
      executor.query<Row>(sql, params, hint(statement)).catch(statementError),
    execute: (sql, params, statement) => executor.execute(sql, params, hint(statement)).catch(statementError),
    ...(executor.insertRowId && {
      insertRowId: (sql: string, params?: readonly SqlParam[], statement?: StatementOptions) =>
        (executor.insertRowId as NonNullable<SqlExecutor['insertRowId']>)
          .call(executor, sql, params, hint(statement))
          .catch(statementError),
    }),
    ...(executor.copyFrom && {
      copyFrom: (sql: string, rows: string) =>
        (executor.copyFrom as NonNullable<SqlExecutor['copyFrom']>).call(executor, sql, rows).catch(statementError),
    }),
  });

  /**
   * Before its first statement the backend asks the dialect whether the tables lack what its
   * correctness needs (MySQL: name columns that fold case), on the connection the work runs on (a
   * host's transaction holds one already). A check that fails runs again next time.
   */
  let schemaChecked = false;
  const checkSchema = async (executor: SqlExecutor) => {
    const mismatch = await statements.schemaMismatch(executor);
    if (mismatch) throw new SchemaMismatchError(`${options.name}/${dialect.name}: ${mismatch.problem}`, mismatch.fix);
    schemaChecked = true;
  };

  /**
   * Errors thrown by `work` (the caller's own, or already-typed ones) pass through unchanged; a
   * failure of the transaction itself (BEGIN, COMMIT, a lost connection) becomes a StoreError.
   */
  async function run<T>(
    open: (inner: (executor: SqlExecutor, handle: THandle | undefined) => Promise<T>) => Promise<T>,
    work: (executor: SqlExecutor, handle: THandle | undefined) => Promise<T>,
  ): Promise<T> {
    const fromWork = new WeakSet<object>();
    try {
      return await open(async (raw, handle) => {
        const executor = guarded(raw);
        if (!schemaChecked) await checkSchema(executor);
        try {
          return await work(executor, handle);
        } catch (error) {
          if (error !== null && typeof error === 'object') fromWork.add(error);
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof RaceLost) {
        // Our own transaction was rolled back: report the version as it stands now.
        return openTransaction((executor) => conflict(guarded(executor), error.request));
      }
      if (error instanceof EsError || (error !== null && typeof error === 'object' && fromWork.has(error))) throw error;
      throw storeError(error);
    }
  }

  return {
    name: options.name,
    dialect: connection.dialect,
    capabilities: {
      concurrentAppends: dialect.capabilities.concurrentAppends,
      concurrentReads: dialect.capabilities.concurrentReads,
    },
    tables,
    sqlDialect: dialect,
    connection,
    runInTransaction: (work) => openTransaction((_executor, handle) => work(handle)),
    transaction<T>(work: (session: BackendSession<THandle>) => Promise<T>, sessionOptions?: SessionOptions<THandle>) {
      const { handle, runsCallerCode } = sessionOptions ?? {};
      if (handle !== undefined) {
        // Joined: nothing to open or end; the caller's transaction stays the caller's.
        return joinedWrite(
          handle,
          () =>
            run<T>(
              (inner) => inner(connection.join(handle), handle),
              (executor) => work(session(executor, handle, true)),
            ),
          runsCallerCode !== false,
        );
      }
      // No caller code, so no one reads the handle: SQLite's bare transaction, where there is one.
      if (runsCallerCode === false && bare) {
        return run<T>(
          (inner) => bare.bareTransaction((executor) => inner(executor, undefined)),
          (executor) => work(session(executor, undefined, false)),
        );
      }
      return run<T>(
        (inner) => openTransaction(inner),
        (executor, own) => work(session(executor, own, false)),
      );
    },
    read<T>(work: (session: BackendSession<THandle>) => Promise<T>, sessionOptions?: SessionOptions<THandle>) {
      const { handle } = sessionOptions ?? {};
      const executor = handle !== undefined ? connection.join(handle) : connection;
      return run<T>(
        (inner) => inner(executor, handle),
        (inner) => work(session(inner, handle, handle !== undefined)),
      );
    },
    // PostgreSQL: the append statement commits on its own; a pre-check (caller ids) or the version
    // read after a failed check are separate autocommit statements, as they would be separate reads
    // anyway. SQLite: a transaction on the driver that needs no ORM handle, where the ORM package
    // offers one.
    ...(oneStatementAppend && {
      appendAlone: (request: AppendRequest) =>
        run<AppendOutcome>(
          (inner) => inner(connection, undefined),
          (executor) => session(executor, undefined, false).append(request),
        ),
    }),
    ...(!oneStatementAppend &&
      bare && {
        appendAlone: (request: AppendRequest) =>
          run<AppendOutcome>(
            (inner) => bare.bareTransaction((executor) => inner(executor, undefined)),
            (executor) => session(executor, undefined, false).append(request),
          ),
      }),
  };
}
