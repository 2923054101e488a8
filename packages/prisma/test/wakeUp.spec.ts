import type { EventStoreBackend } from '@es/core';
import { expectNotifyWakesConsumer } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { afterAll, beforeAll, test } from '@jest/globals';
import pg from 'pg';
import { createPrismaBackend } from '../src/index.js';
import { openHostClient, prismaTarget } from './support/index.ts';

// The conformance target's tables (created by the schema engine from the shipped models), emptied.
const tables = prismaTarget('postgres');
const client = openHostClient('postgres', 4);
beforeAll(async () => {
  await tables.setup();
  await tables.reset();
}, 120_000);
afterAll(async () => {
  await client.$disconnect();
  await tables.teardown();
});

test(
  'on PostgreSQL a consumer idling on a one-minute poll is woken by NOTIFY when an append commits',
  () =>
    expectNotifyWakesConsumer(
      createPrismaBackend(client, { notify: true }) as EventStoreBackend<unknown>,
      () => new pg.Client({ connectionString: testDatabases.postgres('es_prisma') }),
      'es_',
    ),
  20_000,
);
