import type { EventStoreBackend } from '@es/core';
import { expectPreparedStatements } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleBackend } from '../src/index.js';
import { recreatePostgresTables } from './postgresTables.ts';

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'prep_';

beforeAll(async () => {
  const pool = new pg.Pool({ connectionString: url });
  await recreatePostgresTables(pool, tablePrefix);
  await pool.end();
});

test('on PostgreSQL the store prepares its statements through the session, unless told not to', () =>
  expectPreparedStatements(async (preparedStatements) => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const backend = createDrizzleBackend(drizzle(pool), { tablePrefix, preparedStatements });
    return { backend: backend as EventStoreBackend<unknown>, close: () => pool.end() };
  }, tablePrefix));
