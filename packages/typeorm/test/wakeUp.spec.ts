import type { EventStoreBackend } from '@es/core';
import type { PgListenClient } from '@es/core/sql';
import { expectNotifyWakesConsumer } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { configureModels, createTypeOrmBackend } from '@es/typeorm';
import { afterAll, beforeAll, test } from '@jest/globals';
import { DataSource } from 'typeorm';
import { generateMigration } from './support/index.ts';

const url = testDatabases.postgres('es_typeorm');
const tablePrefix = 'wake_';
const options = configureModels({ type: 'postgres', url }, { tablePrefix });
let dataSource: DataSource;

beforeAll(async () => {
  dataSource = await new DataSource(options).initialize();
  const runner = dataSource.createQueryRunner();
  for (const entity of dataSource.entityMetadatas) await runner.dropTable(entity.tablePath, true);
  for (const { query } of (await generateMigration(options)).up) await runner.query(query);
  await runner.release();
});
afterAll(() => dataSource?.destroy());

test('on PostgreSQL a consumer idling on a one-minute poll is woken by NOTIFY when an append commits', () => {
  // The node-postgres module TypeORM loaded for this DataSource.
  const { Client } = (dataSource.driver as unknown as { postgres: { Client: new (config: object) => PgListenClient } })
    .postgres;
  return expectNotifyWakesConsumer(
    createTypeOrmBackend(dataSource, { tablePrefix, notify: true }) as EventStoreBackend<unknown>,
    () => new Client({ connectionString: url }),
    tablePrefix,
  );
}, 20_000);
