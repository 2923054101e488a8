import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TABLE_PREFIX, type SqlExecutor, tableNames } from '@es/core/sql';
import {
  createPrismaBackend,
  mysqlCollationMigration,
  type PrismaBackend,
  type PrismaProvider,
  type PrismaRawClient,
  type PrismaTransactionOptions,
  prismaModels,
} from '@es/prisma';
import { type ConformanceTarget, sqlTargetTables, testDatabases } from '@es/testing/targets';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as MysqlClient } from './generated/mysql/client/client.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client/client.ts';
import { PrismaClient as SqliteClient } from './generated/sqlite/client/client.ts';
import { HOST_TABLE, hostSchema } from './hostSchema.ts';
import { mysqlMigrationStatements } from './mysqlMigrationStandIn.ts';
import { executeMigrationScript, migrationSql, type SchemaFile } from './schemaEngine.ts';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

/** The test host's transaction client, whichever provider generated it. */
export interface HostTransaction extends PrismaRawClient {
  hostRow: {
    create(args: { data: { id: string } }): Promise<unknown>;
    deleteMany(): Promise<unknown>;
  };
}

interface HostClient extends HostTransaction {
  $transaction<R>(work: (tx: HostTransaction) => Promise<R>, options?: PrismaTransactionOptions): Promise<R>;
  $disconnect(): Promise<void>;
}

const DATABASE = 'es_prisma';
/** The SQLite database file of the test host. */
export const sqliteTestFile = join(tmpdir(), 'es-prisma-conformance.sqlite');
const providers: Record<Dialect, PrismaProvider> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' };

/** The test host's schema: its own model plus the store's models, as configureModels adds them. */
export function hostSchemaFiles(provider: PrismaProvider): SchemaFile[] {
  return [
    { path: 'host.prisma', content: hostSchema(provider) },
    { path: `${DEFAULT_TABLE_PREFIX}models.prisma`, content: prismaModels(provider) },
  ];
}

/** The node-postgres Pool of a test host on PostgreSQL (for `new PrismaPg(pool)` and `pgPool`). */
export const openHostPool = (pool = 16) =>
  new pg.Pool({ connectionString: testDatabases.postgres(DATABASE), max: pool });

/**
 * A PrismaClient of the test host, over the driver adapter an application would use; on
 * PostgreSQL over `pgPool` when given (the client's $disconnect ends it).
 */
export function openHostClient(dialect: Dialect, pool = 16, pgPool?: pg.Pool): HostClient {
  switch (dialect) {
    case 'postgres':
      return new PostgresClient({
        adapter: pgPool
          ? new PrismaPg(pgPool, { disposeExternalPool: true })
          : new PrismaPg({ connectionString: testDatabases.postgres(DATABASE), max: pool }),
      }) as unknown as HostClient;
    case 'mysql':
      return new MysqlClient({
        adapter: new PrismaMariaDb(`${testDatabases.mysql(DATABASE)}?connectionLimit=${pool}`),
      }) as unknown as HostClient;
    case 'sqlite':
      // Busy timeout 0: the store waits for SQLite's write lock without blocking the event loop.
      return new SqliteClient({
        adapter: new PrismaBetterSqlite3({ url: sqliteTestFile, timeout: 0 }),
      }) as unknown as HostClient;
  }
}

/**
 * Creates the test host's tables (store and host model) from its schema with Prisma's schema
 * engine, as `prisma migrate dev` would; on MySQL with the test-only stand-in (see
 * mysqlMigrationStandIn.ts, run through `executor`).
 */
export async function createHostTables(dialect: Dialect, executor: SqlExecutor): Promise<void> {
  const files = hostSchemaFiles(providers[dialect]);
  if (dialect === 'mysql') {
    for (const statement of mysqlMigrationStatements(files)) await executor.execute(statement);
    // What the README has an application append to that migration.
    const appended = mysqlCollationMigration().split(';\n');
    for (const statement of appended.map((text) => text.replace(/^--.*\n/, '').trim()).filter(Boolean)) {
      await executor.execute(statement);
    }
    return;
  }
  const adapter =
    dialect === 'postgres'
      ? new PrismaPg({ connectionString: testDatabases.postgres(DATABASE), max: 1 })
      : new PrismaBetterSqlite3({ url: sqliteTestFile });
  await executeMigrationScript(await migrationSql(files, adapter), adapter);
}

/**
 * @es/prisma as a conformance target: tables created from the shipped models by Prisma's schema
 * engine, the host's writes through its generated client inside the transaction it is given.
 */
export function prismaTarget(
  dialect: Dialect,
  options: {
    createTables?: boolean;
    /** PostgreSQL: give the backend the adapter's pool (default true). */
    pgPool?: boolean;
  } = {},
): ConformanceTarget<HostTransaction> {
  const tables = tableNames(DEFAULT_TABLE_PREFIX);
  const clients: HostClient[] = [];
  let backend: PrismaBackend<HostTransaction> | undefined;

  const open = () => {
    // PostgreSQL as the README recommends: the adapter's pool also given to the backend.
    const pgPool = dialect === 'postgres' && options.pgPool !== false ? openHostPool() : undefined;
    const client = openHostClient(dialect, 16, pgPool);
    clients.push(client);
    return createPrismaBackend(client, { provider: providers[dialect], ...(pgPool && { pgPool }) });
  };
  const root = () => {
    if (!backend) throw new Error('prismaTarget: call setup() first');
    return backend;
  };
  const rows = () => sqlTargetTables(root().connection, tables, HOST_TABLE);

  return {
    // Its own report row: every statement through Prisma's raw API, as without `pgPool`.
    backend: dialect === 'postgres' && options.pgPool === false ? 'prisma-raw' : 'prisma',
    dialect,
    processModule: fileURLToPath(new URL('./process.ts', import.meta.url)),
    async setup() {
      process.env.ES_CONFORMANCE_DIALECT = dialect;
      if (options.createTables !== false && dialect === 'sqlite') {
        for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteTestFile + suffix, { force: true });
      }
      backend = open();
      if (options.createTables === false) return;
      const { connection } = backend;
      if (dialect !== 'sqlite') {
        for (const table of [...Object.values(tables), HOST_TABLE]) {
          await connection.execute(`DROP TABLE IF EXISTS ${table}`);
        }
      }
      await createHostTables(dialect, connection);
      // WAL: readers do not wait for the writer (the mode stays with the file).
      if (dialect === 'sqlite') await connection.query('PRAGMA journal_mode = WAL');
    },
    // SQLite: a new client is a new connection, as the racing tests want.
    backendInstance: () => (dialect === 'sqlite' ? open() : root()),
    reset: () => rows().reset(),
    countRows: () => rows().countRows(),
    hostRowIds: () => rows().hostRowIds(),
    hostTransaction: (work) => root().runInTransaction(work),
    async writeHostRow(tx, id) {
      await tx.hostRow.create({ data: { id } });
    },
    async clearHostRows(tx) {
      await tx.hostRow.deleteMany();
    },
    async teardown() {
      await Promise.all(clients.splice(0).map((client) => client.$disconnect()));
    },
  };
}
