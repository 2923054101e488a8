import type { EventStoreBackend } from '@es/core';
import { expectNotifyWakesConsumer } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleBackend } from '../src/index.js';
import { recreatePostgresTables } from './postgresTables.ts';

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'wake_';
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url });
  await recreatePostgresTables(pool, tablePrefix);
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
