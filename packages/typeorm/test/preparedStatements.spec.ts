import type { EventStoreBackend } from '@es/core';
import { createEventStore, defineEvent } from '@es/core';
import { expectPreparedStatements } from '@es/testing/conformance';
import { testDatabases } from '@es/testing/targets';
import { configureModels, createTypeOrmBackend } from '@es/typeorm';
import { beforeAll, expect, test } from '@jest/globals';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { generateMigration } from './support/index.ts';

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
    const dataSource = await new DataSource({ ...options, extra: { max: 1 } }).initialize();
    const backend = createTypeOrmBackend(dataSource, { tablePrefix, preparedStatements });
    return { backend: backend as EventStoreBackend<unknown>, close: () => dataSource.destroy() };
  }, tablePrefix));

test('outside a transaction the store runs on the driver pool: prepared there, and logged by the DataSource logger', async () => {
  const logged: string[] = [];
  const dataSource = await new DataSource({
    ...options,
    extra: { max: 1 }, // one connection, so the catalog read sees the one that ran the statements
    logging: true,
    logger: {
      logQuery: (query: string) => logged.push(query.trimStart().split(/\s+/)[0]!),
      logQueryError() {},
      logQuerySlow() {},
      logSchemaBuild() {},
      logMigration() {},
      log() {},
    },
  }).initialize();
  try {
    const Opened = defineEvent('Opened', z.object({ owner: z.string() }));
    const store = createEventStore({ backend: createTypeOrmBackend(dataSource, { tablePrefix }), events: [Opened] });
    const stream = { category: 'account', id: `pool-${Date.now()}` };
    logged.length = 0; // what initialize() ran
    await store.append(stream, Opened.create({ owner: 'ann' }), { expectedVersion: 'no_stream' });
    await store.append(stream, Opened.create({ owner: 'bob' }), { expectedVersion: 1 });
    expect((await store.readStream(stream)).map((event) => event.data.owner)).toEqual(['ann', 'bob']);
    // No QueryRunner's START TRANSACTION or COMMIT: each append is its one statement.
    expect(logged).toEqual(['WITH', 'WITH', 'SELECT']);
    const rows: { statement: string }[] = await dataSource.query(
      `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%${tablePrefix}events%'`,
    );
    expect(rows).toHaveLength(3);
  } finally {
    await dataSource.destroy();
  }
});
