import type { EventStoreBackend } from '@es/core';
import { expectPreparedStatements } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { beforeAll, test } from '@jest/globals';
import { configureModels, createMikroOrmBackend, type MikroOrmHandle } from '../src/index.js';
import { recreateTables } from '../src/testing/index.js';

const url = testDatabases.postgres('es_mikro_orm');
const tablePrefix = 'prep_';

async function openOrm() {
  const { MikroORM, defineConfig } = await import('@mikro-orm/postgresql');
  return MikroORM.init(configureModels(defineConfig({ clientUrl: url, entities: [] }), { tablePrefix }));
}

beforeAll(async () => {
  const orm = await openOrm();
  await recreateTables(orm);
  await orm.close();
});

test('on PostgreSQL the store prepares its statements through Kysely, unless told not to', () =>
  expectPreparedStatements(async (preparedStatements) => {
    const orm = await openOrm();
    const backend = createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix, preparedStatements });
    return { backend: backend as EventStoreBackend<unknown>, close: () => orm.close() };
  }, tablePrefix));
