import { createConsumer, createEventStore } from '@es/core';
import { type PgListenClient, postgresWakeUp } from '@es/core/sql';
import { bankEvents, Deposited, testDatabases } from '@es/testing/targets';
import { configureModels, createTypeOrmBackend } from '@es/typeorm';
import { generateMigration } from '@es/typeorm/testing';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DataSource } from 'typeorm';

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

test('on PostgreSQL a consumer idling on a one-minute poll is woken by NOTIFY when an append commits', async () => {
  const store = createEventStore({
    backend: createTypeOrmBackend(dataSource, { tablePrefix, notify: true }),
    events: bankEvents,
  });
  // The node-postgres module TypeORM loaded for this DataSource.
  const { Client } = (dataSource.driver as unknown as { postgres: { Client: new (config: object) => PgListenClient } })
    .postgres;
  let delivered!: (ids: string[]) => void;
  const handled = new Promise<string[]>((resolve) => {
    delivered = resolve;
  });
  const consumer = createConsumer(store, {
    name: 'woken',
    polling: { minMs: 60_000, maxMs: 60_000 },
    wakeUp: postgresWakeUp(() => new Client({ connectionString: url }), { tablePrefix }),
    async handle(events) {
      delivered(events.map((event) => event.id));
    },
  });
  consumer.start();
  try {
    await consumer.whenCaughtUp();
    const appended = await store.append({ category: 'account', id: 'a-1' }, Deposited.create({ amount: 1 }), {
      expectedVersion: 'no_stream',
    });
    // Without the notification the consumer would sleep out its minute and this test time out.
    expect(await handled).toEqual([appended.events[0]?.id]);
  } finally {
    await consumer.stop();
  }
}, 20_000);
