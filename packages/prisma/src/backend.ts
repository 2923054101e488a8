import { InvalidArgumentError } from '@es/core';
import {
  createSqlBackend,
  type NodePostgresQueryable,
  nodePostgresExecutor,
  type SqlBackend,
  type SqlDialectName,
  type SqlStoreOptions,
} from '@es/core/sql';
import {
  type PrismaClientLike,
  PrismaSqlConnection,
  PrismaSqliteConnection,
  type PrismaTransactionClient,
  type PrismaTransactionOptions,
} from './connection.js';
import type { PrismaProvider } from './models/index.js';

/** The store's settings (see `SqlStoreOptions` in @es/core/sql). */
export interface PrismaBackendOptions extends SqlStoreOptions {
  /** The datasource provider; read from the client when omitted. */
  readonly provider?: PrismaProvider;
  /**
   * PostgreSQL: the node-postgres `Pool` your `PrismaPg` adapter runs on
   * (`new PrismaPg(pool)`). Given it, the store's single statements outside any transaction
   * (appends without an inline projection, reads) run on it directly, as prepared statements
   * (`preparedStatements`), instead of through `$queryRawUnsafe`, which cannot prepare; Prisma's
   * query log does not see them. Everything inside a transaction still goes through Prisma.
   */
  readonly pgPool?: NodePostgresQueryable;
  /** Limits of the interactive transactions the store opens when you pass it none. */
  readonly transactionOptions?: PrismaTransactionOptions;
}

/** `runInTransaction(async (tx) => ...)`: an interactive transaction of your client, with the store's locking on SQLite. */
export type PrismaBackend<Tx> = SqlBackend<Tx>;

const dialects: Record<PrismaProvider, SqlDialectName> = { postgresql: 'postgres', mysql: 'mysql', sqlite: 'sqlite' };

/**
 * An event-store backend over your PrismaClient (PostgreSQL, MySQL/MariaDB or SQLite through a
 * driver adapter). Every statement runs through the `tx` you pass with
 * `store.withTransaction(tx)` inside `prisma.$transaction(async (tx) => ...)`, which the store
 * never commits or rolls back; given none, it opens an interactive transaction of its own.
 */
export function createPrismaBackend<Client extends PrismaClientLike>(
  prisma: Client,
  options: PrismaBackendOptions = {},
): PrismaBackend<PrismaTransactionClient<Client>> {
  type Tx = PrismaTransactionClient<Client>;
  const provider = options.provider ?? providerOf(prisma);
  if (options.pgPool && provider !== 'postgresql') {
    throw new InvalidArgumentError(
      `createPrismaBackend: pgPool is for PostgreSQL; this client's provider is ${provider}`,
    );
  }
  const connection =
    provider === 'sqlite'
      ? new PrismaSqliteConnection<Tx>(prisma, options.transactionOptions)
      : new PrismaSqlConnection<Tx>(
          prisma,
          dialects[provider],
          options.transactionOptions,
          options.pgPool && nodePostgresExecutor(options.pgPool),
        );
  return createSqlBackend({
    name: 'prisma',
    connection,
    tablePrefix: options.tablePrefix,
    notify: options.notify,
    // Only statements on `pgPool` can be prepared; through Prisma the hint is ignored.
    preparedStatements: options.preparedStatements,
  });
}

/** A generated client knows its datasource provider (`activeProvider` of the generated config). */
function providerOf(prisma: PrismaClientLike): PrismaProvider {
  const provider = (prisma as { _activeProvider?: unknown })._activeProvider;
  if (provider === 'postgresql' || provider === 'mysql' || provider === 'sqlite') return provider;
  throw new InvalidArgumentError(
    `createPrismaBackend: cannot tell the datasource provider of this client (${String(provider)}); pass { provider: 'postgresql' | 'mysql' | 'sqlite' }`,
  );
}
