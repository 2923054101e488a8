// @es/prisma as a new user installs it: packages/prisma/README.md run as written on Prisma 7 with
// PostgreSQL (`prisma-client` generator, @prisma/adapter-pg).
//
// Pins: the newest Prisma release whose CLI and client exist at the same version. The registry has
// prisma 7.10.1 but @prisma/client only up to 7.10.0, and Prisma wants the two equal.
//
// `prisma migrate dev` needs Prisma's schema engine, a native binary the CLI downloads on first use
// from a host these machines cannot reach. The steps run with PRISMA_SCHEMA_ENGINE_BINARY (the
// override the README documents) pointing at packages/prisma/test/support/schemaEngineBinary.mjs
// (test support, not in the package), which serves the CLI the same engine built for WebAssembly:
// the README's `prisma migrate dev --name init` runs as written, and the migration it writes and
// applies is Prisma's own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectOneCommittedInvoice, expectStoreTables, storeTables } from '../checks.mjs';

export default {
  readme: 'packages/prisma/README.md',
  pins: {
    prisma: '7.10.0',
    '@prisma/client': '7.10.0',
    '@prisma/adapter-pg': '7.10.0',
    pg: '8.23.1',
    '@types/pg': '8.23.1',
    zod: '4.6.7',
    typescript: '5.9.3',
    '@types/node': '22.20.5',
  },
  stepEnv: {
    PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(
      new URL('../../packages/prisma/test/support/schemaEngineBinary.mjs', import.meta.url),
    ),
    // No update check or telemetry: the CLI would wait on hosts these machines cannot reach.
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
  /**
   * After `node src/main.ts`: the migration `prisma migrate dev` wrote holds the store's tables and
   * the app's, and is applied; the committed transaction left one invoice and its one event, the
   * one that threw left neither.
   */
  async verify({ query, app }) {
    const migrations = await query(
      'select migration_name, finished_at, rolled_back_at from _prisma_migrations order by started_at',
    );
    const [migration] = migrations;
    if (migrations.length !== 1 || !/^\d{14}_init$/.test(migration.migration_name) || !migration.finished_at)
      throw new Error(`expected the one migration <timestamp>_init, applied: ${JSON.stringify(migrations)}`);
    const folder = join(app, 'prisma/migrations');
    if (!readdirSync(folder).includes(migration.migration_name))
      throw new Error(`prisma migrate dev did not write ${migration.migration_name} into prisma/migrations`);
    const sql = readFileSync(join(folder, migration.migration_name, 'migration.sql'), 'utf8');
    for (const table of ['invoices', ...storeTables])
      if (!sql.includes(`CREATE TABLE "${table}"`)) throw new Error(`the migration does not create ${table}:\n${sql}`);

    await expectStoreTables(query);
    await expectOneCommittedInvoice(query);
  },
};
