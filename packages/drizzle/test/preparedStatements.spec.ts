import type { EventStoreBackend } from '@es/core';
import { expectPreparedStatements } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleBackend } from '../src/index.js';
import { configureModels } from '../src/models/index.js';
import { generateMigrationSql } from '../src/testing/index.js';

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'prep_';

beforeAll(async () => {
  const pool = new pg.Pool({ connectionString: url });
  for (const name of ['events', 'streams', 'snapshots', 'outbox', 'checkpoints']) {
    await pool.query(`DROP TABLE IF EXISTS ${tablePrefix}${name}`);
  }
  for (const statement of await generateMigrationSql('postgresql', configureModels('postgresql', { tablePrefix }))) {
    await pool.query(statement);
  }
  await pool.end();
});

test('on PostgreSQL the store prepares its statements through the session, unless told not to', () =>
  expectPreparedStatements(async (preparedStatements) => {
    const pool = new pg.Pool({ connectionString: url });
    const backend = createDrizzleBackend(drizzle(pool), { tablePrefix, preparedStatements });
    return { backend: backend as EventStoreBackend<unknown>, close: () => pool.end() };
  }, tablePrefix));
