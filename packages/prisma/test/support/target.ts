import { DEFAULT_TABLE_PREFIX, type SqlDialectName, type SqlExecutor } from '@es/core/sql';
import {
  createPrismaBackend,
  mysqlCollationMigration,
  type PrismaBackend,
  type PrismaProvider,
  type PrismaRawClient,
  type PrismaTransactionOptions,
  prismaModels,
} from '@es/prisma';
import { defineSqlTarget, type SqlTargetFactory, targetDatabase } from '@es/testing/targets';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as MysqlClient } from './generated/mysql/client/client.ts';
import { PrismaClient as PostgresClient } from './generated/postgresql/client/client.ts';
import { PrismaClient as SqliteClient } from './generated/sqlite/client/client.ts';
import { hostSchema } from './hostSchema.ts';
import { mysqlMigrationStatements } from './mysqlMigrationStandIn.ts';
import { executeMigrationScript, migrationSql, type SchemaFile } from './schemaEngine.ts';

export type Dialect = SqlDialectName;

/** The test host's transaction client, whichever provider generated it. */
export interface HostTransaction extends PrismaRawClient {
  hostRow: {
    create(args: { data: { id: string } }): Promise<unknown>;
    deleteMany(): Promise<unknown>;
  };
}

export interface HostClient extends HostTransaction {
  $transaction<R>(work: (tx: HostTransaction) => Promise<R>, options?: PrismaTransactionOptions): Promise<R>;
  $disconnect(): Promise<void>;
}

/** The test host's database on each dialect: the conformance target's. */
const database = (dialect: Dialect) => targetDatabase('prisma', dialect);
/** The SQLite database file of the test host. */
export const sqliteTestFile = database('sqlite');
const providers: Record<Dialect, PrismaProvider> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' };

/** The test host's schema: its own model plus the store's models, as configureModels adds them. */
export function hostSchemaFiles(provider: PrismaProvider): SchemaFile[] {
  return [
    { path: 'host.prisma', content: hostSchema(provider) },
    { path: `${DEFAULT_TABLE_PREFIX}models.prisma`, content: prismaModels(provider) },
  ];
}

/** The node-postgres Pool of a test host on PostgreSQL (for `new PrismaPg(pool)` and `pgPool`). */
export const openHostPool = (pool = 16) => new pg.Pool({ connectionString: database('postgres'), max: pool });

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
          : new PrismaPg({ connectionString: database('postgres'), max: pool }),
      }) as unknown as HostClient;
    case 'mysql':
      return new MysqlClient({
        adapter: new PrismaMariaDb(`${database('mysql')}?connectionLimit=${pool}`),
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
      ? new PrismaPg({ connectionString: database('postgres'), max: 1 })
      : new PrismaBetterSqlite3({ url: sqliteTestFile });
  await executeMigrationScript(await migrationSql(files, adapter), adapter);
}

export interface PrismaTargetOptions {
  /** PostgreSQL: give the backend the adapter's pool (default true). */
  readonly pgPool?: boolean;
}

/**
 * @es/prisma as a conformance target: tables created from the shipped models by Prisma's schema
 * engine (in the test host's database), the host's writes through its generated client inside
 * the transaction it is given.
 */
export const prismaTarget: SqlTargetFactory<HostTransaction, PrismaTargetOptions> = defineSqlTarget({
  name: 'prisma',
  tablePrefix: DEFAULT_TABLE_PREFIX,
  processModule: new URL('./process.ts', import.meta.url),
  onDialect: (dialect, options) => ({
    // Its own report row: every statement through Prisma's raw API, as without `pgPool`.
    ...(dialect === 'postgres' && options.pgPool === false && { row: 'prisma-raw' }),
    open() {
      // PostgreSQL as the README recommends: the adapter's pool also given to the backend.
      const pgPool = dialect === 'postgres' && options.pgPool !== false ? openHostPool() : undefined;
      const client = openHostClient(dialect, 16, pgPool);
      const backend: PrismaBackend<HostTransaction> = createPrismaBackend(client, {
        provider: providers[dialect],
        ...(pgPool && { pgPool }),
      });
      return { client, backend, close: () => client.$disconnect() };
    },
    migrate: ({ backend }) => createHostTables(dialect, backend.connection),
    async writeHostRow(tx, id) {
      await tx.hostRow.create({ data: { id } });
    },
    async clearHostRows(tx) {
      await tx.hostRow.deleteMany();
    },
    ambientContexts: [
      {
        name: "transactionHostContext, in @nestjs-cls/transactional's txHost.withTransaction (Prisma adapter)",
        concurrentTransactions: dialect === 'sqlite' ? 'queued' : 'isolated',
        async join({ client }) {
          const { transactionHostAmbient } = await import('./transactionHost.ts');
          return transactionHostAmbient(client);
        },
      },
    ],
  }),
});
