import type { EventStoreBackend } from '@es/core';
import { expectPreparedStatements } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { configureModels, createTypeOrmBackend } from '@es/typeorm';
import { generateMigration } from '@es/typeorm/testing';
import { beforeAll, test } from '@jest/globals';
import { DataSource } from 'typeorm';

const url = testDatabases.postgres('es_typeorm');
const tablePrefix = 'prep_';
const options = configureModels({ type: 'postgres', url }, { tablePrefix });

beforeAll(async () => {
  const dataSource = await new DataSource(options).initialize();
  const runner = dataSource.createQueryRunner();
  for (const entity of dataSource.entityMetadatas) await runner.dropTable(entity.tablePath, true);
  for (const { query } of (await generateMigration(options)).up) await runner.query(query);
  await runner.release();
  await dataSource.destroy();
});

test('on PostgreSQL the store prepares its statements through the QueryRunner, unless told not to', () =>
  expectPreparedStatements(async (preparedStatements) => {
    const dataSource = await new DataSource(options).initialize();
    const backend = createTypeOrmBackend(dataSource, { tablePrefix, preparedStatements });
    return { backend: backend as EventStoreBackend<unknown>, close: () => dataSource.destroy() };
  }, tablePrefix));
