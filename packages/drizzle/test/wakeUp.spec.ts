import type { EventStoreBackend } from '@es/core';
import { expectNotifyWakesConsumer } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleBackend } from '../src/index.js';
import { configureModels } from '../src/models/index.js';
import { generateMigrationSql } from '../src/testing/index.js';

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'wake_';
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url });
  for (const name of ['events', 'streams', 'snapshots', 'outbox', 'checkpoints']) {
    await pool.query(`DROP TABLE IF EXISTS ${tablePrefix}${name}`);
  }
  for (const statement of await generateMigrationSql('postgresql', configureModels('postgresql', { tablePrefix }))) {
    await pool.query(statement);
  }
});
afterAll(() => pool.end());

test(
  'on PostgreSQL a consumer idling on a one-minute poll is woken by NOTIFY when an append commits',
  () =>
    expectNotifyWakesConsumer(
      createDrizzleBackend(drizzle(pool), { tablePrefix, notify: true }) as EventStoreBackend<unknown>,
      () => new pg.Client({ connectionString: url }),
      tablePrefix,
    ),
  20_000,
);
