import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStoreBackend, StreamKey } from '@es/core';
import { type SqlDialectName, type SqlExecutor, type TableNames, tableNames } from '@es/core/sql';
import { KitError } from './fixtures.js';
import type { AmbientContext, AmbientHost, ConformanceTarget, StoredRows, StoreRowCounts } from './target.js';

/** What the kit needs of an ORM package's backend: the store's, its connection, its own transactions. */
export interface SqlTargetBackend<THandle> extends EventStoreBackend<THandle> {
  /** Plain statements around the library: dropping, emptying and counting the tables. */
  readonly connection: SqlExecutor;
  /** A transaction of the ORM's own: the host's transaction where the target names no other. */
  runInTransaction<T>(work: (handle: THandle) => Promise<T>): Promise<T>;
}

/** One connection of the host's ORM to the test database (a pool, a client, a DataSource ...). */
export interface SqlTargetConnection<THandle> {
  /** The store's backend over this connection. */
  readonly backend: SqlTargetBackend<THandle>;
  /**
   * Where the ORM connects asynchronously: settles once the connection can be used. The kit waits
   * for it before the first use (`backendInstance()` itself is synchronous).
   */
  readonly ready?: Promise<unknown>;
  /** Ends the connection (the kit waits for `ready` first). */
  close(): Promise<void>;
}

/** How a conformance target is opened. */
export interface SqlTargetOptions {
  /** False where the tables are in place already (a crash test's child process); default true. */
  readonly createTables?: boolean;
}

/** What an ORM package does on one dialect; `defineSqlTarget` writes the rest of the target. */
export interface SqlTargetOnDialect<THandle, TConnection extends SqlTargetConnection<THandle>> {
  /** The report row, where it is not the package's name (another configuration of the package). */
  readonly row?: string;
  /**
   * Opens a connection to `database` (see `targetDatabase`) the way the host application
   * configures its ORM: once for the kit's own use, and on SQLite once more for each backend
   * instance, as separate processes would have.
   */
  open(database: string): TConnection;
  /**
   * Creates the store's and the host's tables with the ORM's own migration tooling, as a host's
   * first migration would (the kit has dropped them).
   */
  migrate(root: TConnection): Promise<void>;
  /** Runs `work` in the host's own transaction; by default the backend's `runInTransaction`. */
  hostTransaction?<T>(root: TConnection, work: (handle: THandle) => Promise<T>): Promise<T>;
  /** Writes one row of the host's table with the host's ORM, inside `handle`'s transaction. */
  writeHostRow(handle: THandle, id: string): Promise<void>;
  /** Deletes every row of the host's table inside `handle`'s transaction. */
  clearHostRows(handle: THandle): Promise<void>;
  /** The ORM's own transaction contexts on this dialect (see `ConformanceTarget.ambientContexts`). */
  readonly ambientContexts?: readonly SqlAmbientContext<THandle, TConnection>[];
}

/** An ORM's transaction context, joined over a connection the kit opens for it. */
export interface SqlAmbientContext<THandle, TConnection extends SqlTargetConnection<THandle>>
  extends Omit<AmbientContext<THandle>, 'open'> {
  /** The context over `connection` (ready, and closed by the kit); the store's backend is the connection's. */
  join(connection: TConnection): Promise<Omit<AmbientHost<THandle>, 'backend'>>;
}

/** An ORM package's conformance target, as the package states it. */
export interface SqlTargetDefinition<THandle, TConnection extends SqlTargetConnection<THandle>, TOptions> {
  /** The package (`drizzle`, `mikro-orm` ...): its report row and its test database's name. */
  readonly name: string;
  /**
   * The prefix the ORM's models and backend are given (default `CONFORMANCE_TABLE_PREFIX`); the
   * host's table is `hostTableName(prefix)`.
   */
  readonly tablePrefix?: string;
  /** The module a crash test's child process opens (see `ConformanceTarget.processModule`). */
  readonly processModule: URL;
  /** What the ORM does on `dialect`, given the package's own options of the target. */
  onDialect(dialect: SqlDialectName, options: TOptions): SqlTargetOnDialect<THandle, TConnection>;
}

/** Opens a package's conformance target on one dialect. */
export type SqlTargetFactory<THandle, TOptions = object> = (
  dialect: SqlDialectName,
  options?: SqlTargetOptions & TOptions,
) => ConformanceTarget<THandle>;

/**
 * Where the conformance target of package `name` keeps its data: the database `es_<name>` on
 * PostgreSQL and MySQL (at `testDatabases`), a file in the temporary directory on SQLite.
 */
export function targetDatabase(name: string, dialect: SqlDialectName): string {
  if (dialect === 'sqlite') return join(tmpdir(), `es-${name}-conformance.sqlite`);
  return testDatabases[dialect](`es_${name.replaceAll('-', '_')}`);
}

/**
 * The table prefix of the kit's SQL targets: not the store's default, so that every run also
 * proves the prefix is honoured.
 */
export const CONFORMANCE_TABLE_PREFIX = 'ck_';

/** The host application's own table in a conformance target, beside the store's. */
export const hostTableName = (tablePrefix: string): string => `${tablePrefix}host_rows`;

/** The environment variable by which a crash test's child process learns the parent's dialect. */
const DIALECT_VARIABLE = 'ES_CONFORMANCE_DIALECT';

/**
 * An ORM package's conformance target on SQL databases, from what only that ORM knows: how it
 * opens a connection, creates the tables, runs the host's transaction and writes the host's rows.
 * The kit opens and closes the connections, empties and counts the tables with plain SQL, and
 * gives each SQLite backend instance a connection of its own.
 */
export function defineSqlTarget<THandle, TConnection extends SqlTargetConnection<THandle>, TOptions = object>(
  definition: SqlTargetDefinition<THandle, TConnection, TOptions>,
): SqlTargetFactory<THandle, TOptions> {
  return (dialect, options) => {
    const { row, ...onDialect } = definition.onDialect(dialect, (options ?? {}) as TOptions);
    const { tablePrefix = CONFORMANCE_TABLE_PREFIX } = definition;
    return sqlTarget({
      ...onDialect,
      backend: row ?? definition.name,
      dialect,
      // SQLite: a file per row, so that rows of one package can be open at once (the bench).
      database: targetDatabase(dialect === 'sqlite' ? (row ?? definition.name) : definition.name, dialect),
      hostTable: hostTableName(tablePrefix),
      tables: tableNames(tablePrefix),
      processModule: fileURLToPath(definition.processModule),
      createTables: options?.createTables !== false,
    });
  };
}

/** The target on one dialect, with the package's conventions resolved. */
function sqlTarget<THandle, TConnection extends SqlTargetConnection<THandle>>(
  definition: Omit<SqlTargetOnDialect<THandle, TConnection>, 'row'> & {
    readonly backend: string;
    readonly dialect: SqlDialectName;
    readonly database: string;
    readonly hostTable: string;
    readonly tables: TableNames;
    readonly processModule: string;
    readonly createTables: boolean;
  },
): ConformanceTarget<THandle> {
  const { dialect, database } = definition;
  const connections: TConnection[] = [];
  let root: TConnection | undefined;

  const open = () => {
    const connection = definition.open(database);
    connections.push(connection);
    return connection;
  };
  const rooted = () => {
    if (!root) throw new KitError(`${definition.backend} on ${dialect}: call setup() first`);
    return root;
  };
  const rootTables = () => sqlTargetTables(rooted().backend.connection, definition.tables, definition.hostTable);

  return {
    backend: definition.backend,
    dialect,
    processModule: definition.processModule,
    async setup() {
      process.env[DIALECT_VARIABLE] = dialect;
      if (definition.createTables && dialect === 'sqlite') {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
      }
      root = open();
      await root.ready;
      if (!definition.createTables) return;
      await rootTables().drop();
      await definition.migrate(root);
      // WAL: readers do not wait for the writer (the mode stays with the file).
      if (dialect === 'sqlite') await root.backend.connection.execute('PRAGMA journal_mode = WAL');
    },
    backendInstance() {
      if (dialect !== 'sqlite') return rooted().backend;
      const { backend, ready } = open();
      return ready ? whenReady(ready, backend) : backend;
    },
    reset: () => rootTables().reset(),
    countRows: () => rootTables().countRows(),
    storedRows: () => rootTables().storedRows(),
    editStoredEvents: (stream, edit) => rootTables().editStoredEvents(stream, edit),
    hostRowIds: () => rootTables().hostRowIds(),
    hostTransaction: (work) =>
      definition.hostTransaction ? definition.hostTransaction(rooted(), work) : rooted().backend.runInTransaction(work),
    ambientContexts: definition.ambientContexts?.map(({ join, ...context }) => ({
      ...context,
      async open() {
        const connection = open();
        await connection.ready;
        return { ...(await join(connection)), backend: connection.backend };
      },
    })),
    writeHostRow: (handle, id) => definition.writeHostRow(handle, id),
    clearHostRows: (handle) => definition.clearHostRows(handle),
    async teardown() {
      for (const connection of connections.splice(0)) {
        await connection.ready?.catch(() => {});
        await connection.close();
      }
    },
  };
}

/**
 * The target a crash test's child process opens (`makeTarget` on the dialect the parent's setup
 * ran), over the tables the parent created: what each package's `processModule` exports as
 * `openTarget`.
 */
export async function openChildProcessTarget(
  makeTarget: SqlTargetFactory<unknown>,
): Promise<ConformanceTarget<unknown>> {
  const dialect = process.env[DIALECT_VARIABLE] as SqlDialectName | undefined;
  if (!dialect) throw new KitError(`${DIALECT_VARIABLE} is not set: open the target in the parent's setup() first`);
  const target = makeTarget(dialect, { createTables: false });
  await target.setup();
  return target;
}

/**
 * A backend whose connection is still opening: every use waits for it first, so that
 * `backendInstance()` can hand it over at once.
 */
function whenReady<THandle>(ready: Promise<unknown>, backend: EventStoreBackend<THandle>): EventStoreBackend<THandle> {
  const { appendAlone } = backend;
  return {
    ...backend,
    async transaction(work, options) {
      await ready;
      return backend.transaction(work, options);
    },
    async read(work, options) {
      await ready;
      return backend.read(work, options);
    },
    ...(appendAlone && {
      async appendAlone(request) {
        await ready;
        return appendAlone.call(backend, request);
      },
    }),
  };
}

/**
 * The raw-SQL half of a SQL target: dropping the tables before they are created, emptying them
 * between tests and counting rows around the library. It runs plain statements through the ORM's
 * connection; the host table's writes stay with each ORM's own API.
 */
function sqlTargetTables(executor: SqlExecutor, tables: TableNames, hostTable: string) {
  const count = async (table: string) => {
    const [row] = await executor.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row?.n ?? 0);
  };
  const storeTables = [
    tables.tags,
    tables.outbox,
    tables.parked,
    tables.events,
    tables.streams,
    tables.snapshots,
    tables.checkpoints,
    tables.dataKeys,
  ];
  const placeholders = (count: number) =>
    Array.from({ length: count }, (_, n) => (executor.dialect === 'postgres' ? `$${n + 1}` : '?'));
  return {
    async drop(): Promise<void> {
      for (const table of [...Object.values(tables), hostTable])
        await executor.execute(`DROP TABLE IF EXISTS ${table}`);
    },
    async reset(): Promise<void> {
      for (const table of [...storeTables, hostTable]) await executor.execute(`DELETE FROM ${table}`);
      if (executor.dialect === 'mysql') await executor.execute(`DELETE FROM ${tables.logHead}`);
    },
    async countRows(): Promise<StoreRowCounts> {
      return {
        events: await count(tables.events),
        streams: await count(tables.streams),
        snapshots: await count(tables.snapshots),
        outbox: await count(tables.outbox),
        tags: await count(tables.tags),
      };
    },
    async hostRowIds(): Promise<string[]> {
      const rows = await executor.query<{ id: unknown }>(`SELECT id FROM ${hostTable}`);
      return rows.map((row) => String(row.id));
    },
    async storedRows(): Promise<StoredRows> {
      const { logHead: _, ...byName } = tables;
      const rows: Record<string, string[]> = {};
      for (const [name, table] of Object.entries(byName)) {
        rows[name] = (await executor.query(`SELECT * FROM ${table}`)).map(rowText);
      }
      return rows;
    },
    async editStoredEvents(stream: StreamKey, edit: (data: string) => string): Promise<number> {
      const [tenant, category, id] = placeholders(3);
      const inStream = `tenant_id = ${tenant} AND category = ${category} AND stream_id = ${id}`;
      const events = await executor.query<{ stream_version: unknown; data: unknown }>(
        `SELECT stream_version, data FROM ${tables.events} WHERE ${inStream}`,
        [stream.tenant, stream.category, stream.id],
      );
      // PostgreSQL types a parameter by its use: say what the data column is (json or jsonb).
      const cast =
        executor.dialect === 'postgres' ? `::${await postgresColumnType(executor, tables.events, 'data')}` : '';
      const [data, tenantAt, categoryAt, idAt, version] = placeholders(5);
      for (const event of events) {
        const stored = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
        await executor.execute(
          `UPDATE ${tables.events} SET data = ${data}${cast} WHERE tenant_id = ${tenantAt} AND category = ${categoryAt} AND stream_id = ${idAt} AND stream_version = ${version}`,
          [edit(stored), stream.tenant, stream.category, stream.id, Number(event.stream_version)],
        );
      }
      return events.length;
    },
  };
}

/** A row as text: its values as the driver returns them, binary ones read as UTF-8 (where text could hide). */
function rowText(row: Record<string, unknown>): string {
  return JSON.stringify(row, function (key, value: unknown) {
    const raw: unknown = key === '' ? value : (this as Record<string, unknown>)[key];
    if (typeof raw === 'bigint') return raw.toString();
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
    return value;
  });
}

async function postgresColumnType(executor: SqlExecutor, table: string, column: string): Promise<string> {
  const [row] = await executor.query<{ data_type: string }>(
    'SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = $2',
    [table, column],
  );
  if (!row) throw new KitError(`no column ${table}.${column}`);
  return row.data_type;
}

/** Connection settings for the test databases (override with ES_PG_URL / ES_MYSQL_URL). */
export const testDatabases = {
  postgres: (database: string) => `${process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/${database}`,
  mysql: (database: string) => `${process.env.ES_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${database}`,
};
