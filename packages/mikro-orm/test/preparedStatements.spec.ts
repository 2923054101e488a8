import type { EventStoreBackend } from '@es/core';
import { createEventStore, defineEvent } from '@es/core';
import { expectPreparedStatements } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { beforeAll, expect, test } from '@jest/globals';
import { z } from 'zod';
import { configureModels, createMikroOrmBackend, type MikroOrmHandle } from '../src/index.js';
import { recreateTables } from './support/index.ts';

const url = testDatabases.postgres('es_mikro_orm');
const tablePrefix = 'prep_';

async function openOrm(extra: Record<string, unknown> = {}) {
  const { MikroORM, defineConfig } = await import('@mikro-orm/postgresql');
  return MikroORM.init(configureModels(defineConfig({ clientUrl: url, entities: [], ...extra }), { tablePrefix }));
}

beforeAll(async () => {
  const orm = await openOrm();
  await recreateTables(orm);
  await orm.close();
});

test('on PostgreSQL the store prepares its statements through Kysely, unless told not to', () =>
  expectPreparedStatements(async (preparedStatements) => {
    const orm = await openOrm({ pool: { min: 0, max: 1 } });
    const backend = createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix, preparedStatements });
    return { backend: backend as EventStoreBackend<unknown>, close: () => orm.close() };
  }, tablePrefix));

const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
async function appendTwiceAndRead(em: MikroOrmHandle) {
  const store = createEventStore({ backend: createMikroOrmBackend(em, { tablePrefix }), events: [Opened] });
  const stream = { category: 'account', id: `native-${Math.random().toString(36).slice(2)}` };
  await store.append(stream, Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' });
  await store.append(stream, Opened.create({ owner: 'bob' }), { expectedVersion: 1 });
  expect((await store.readStream(stream)).map((event) => event.data.owner)).toEqual(['ann', 'bob']);
}

test('outside a transaction the store runs on the pg pool under Kysely, prepared there', async () => {
  // One connection, so the catalog read sees the one that ran the statements.
  const orm = await openOrm({ pool: { min: 0, max: 1 } });
  try {
    await appendTwiceAndRead(orm.em as MikroOrmHandle);
    const pool = await orm.em.getConnection().getNativeClient();
    const { rows } = await pool.query(
      `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%${tablePrefix}events%'`,
    );
    expect(rows).toHaveLength(3);
  } finally {
    await orm.close();
  }
});

test('with an onReserveConnection hook, the statements of the store still go through Kysely and the hook sees them', async () => {
  let reserved = 0;
  const orm = await openOrm({
    onReserveConnection: async () => {
      reserved++;
    },
  });
  try {
    await orm.em.getConnection().ensureConnection();
    reserved = 0;
    await appendTwiceAndRead(orm.em as MikroOrmHandle);
    expect(reserved).toBeGreaterThanOrEqual(3);
  } finally {
    await orm.close();
  }
});
