import type { EventStoreBackend } from '@es/core';
import { expectNotifyWakesConsumer } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { afterAll, beforeAll, test } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/core';
import pg from 'pg';
import { configureModels, createMikroOrmBackend, type MikroOrmHandle } from '../src/index.js';
import { recreateTables } from './support/index.ts';

const url = testDatabases.postgres('es_mikro_orm');
const tablePrefix = 'wake_';
let orm: MikroORM;

beforeAll(async () => {
  const { MikroORM, defineConfig } = await import('@mikro-orm/postgresql');
  orm = await MikroORM.init(configureModels(defineConfig({ clientUrl: url, entities: [] }), { tablePrefix }));
  await recreateTables(orm);
});
afterAll(() => orm?.close());

test(
  'on PostgreSQL a consumer idling on a one-minute poll is woken by NOTIFY when an append commits',
  () =>
    expectNotifyWakesConsumer(
      createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix, notify: true }) as EventStoreBackend<unknown>,
      () => new pg.Client({ connectionString: url }),
      tablePrefix,
    ),
  20_000,
);
