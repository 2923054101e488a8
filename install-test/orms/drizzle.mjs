// @es/drizzle as a new user installs it: packages/drizzle/README.md run as written on the current
// drizzle-orm and drizzle-kit, with node-postgres. The README's MySQL and SQLite sections install
// their drivers too, so that their blocks compile; better-sqlite3's native build is not needed for
// that, and is skipped.
import { expectOneCommittedInvoice, expectStoreTables } from '../checks.mjs';

export default {
  readme: 'packages/drizzle/README.md',
  pins: {
    'drizzle-orm': '0.45.4',
    'drizzle-kit': '0.31.11',
    pg: '8.23.1',
    '@types/pg': '8.23.1',
    zod: '4.6.7',
    typescript: '7.0.2',
    '@types/node': '26.6.11',
    mysql2: '3.25.0',
    'better-sqlite3': '13.2.0',
    '@types/better-sqlite3': '9.6.0',
  },
  // drizzle-kit loads its config through esbuild.
  packageJson: { pnpm: { onlyBuiltDependencies: ['esbuild'], ignoredBuiltDependencies: ['better-sqlite3'] } },
  /**
   * After `node src/main.ts`: the one migration drizzle-kit generated has been applied and created
   * every table of the store (the README's schema exports them all), the committed transaction
   * left one invoice and its one event, the one that threw left neither.
   */
  async verify({ query }) {
    const migrations = await query('select hash from drizzle.__drizzle_migrations');
    if (migrations.length !== 1)
      throw new Error(`expected the one generated migration to have been applied: ${JSON.stringify(migrations)}`);
    // Core's list of the store's tables (built by now); PostgreSQL has no log-head table.
    const { tableNames } = await import('../../packages/core/dist/sql/index.js');
    const { logHead: _, ...tables } = tableNames('es_');
    const expected = Object.values(tables).sort();
    const created = (await query("select table_name from information_schema.tables where table_name like 'es\\_%'"))
      .map((row) => row.table_name)
      .sort();
    if (JSON.stringify(created) !== JSON.stringify(expected))
      throw new Error(
        `expected the store's tables ${expected.join(', ')}; the migration created ${created.join(', ')}`,
      );
    await expectStoreTables(query);
    await expectOneCommittedInvoice(query);
  },
};
