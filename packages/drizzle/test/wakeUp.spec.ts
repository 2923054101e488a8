import { createConsumer, createEventStore } from '@es/core';
import { postgresWakeUp } from '@es/core/sql';
import { bankEvents, Deposited, testDatabases } from '@es/testing/targets';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDrizzleBackend } from '../src/index.js';
import { configureModels } from '../src/models/index.js';
import { generateMigrationSql } from '../src/testing/index.js';

const url = testDatabases.postgres('es_drizzle');
const tablePrefix = 'wake_';
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: url });
  for (const name of ['events', 'streams', 'snapshots', 'outbox', 'checkpoints']) {
    await pool.query(`DROP TABLE IF EXISTS ${tablePrefix}${name}`);
  }
  for (const statement of await generateMigrationSql('postgresql', configureModels('postgresql', { tablePrefix }))) {
    await pool.query(statement);
  }
});
afterAll(() => pool.end());

test('on PostgreSQL a consumer idling on a one-minute poll is woken by NOTIFY when an append commits', async () => {
  const backend = createDrizzleBackend(drizzle(pool), { tablePrefix, notify: true });
  const store = createEventStore({ backend, events: bankEvents });
  let delivered!: (ids: string[]) => void;
  const handled = new Promise<string[]>((resolve) => {
    delivered = resolve;
  });
  const consumer = createConsumer(store, {
    name: 'woken',
    polling: { minMs: 60_000, maxMs: 60_000 },
    wakeUp: postgresWakeUp(() => new pg.Client({ connectionString: url }), { tablePrefix }),
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
    expect(await handled).toEqual([appended.events[0]!.id]);
  } finally {
    await consumer.stop();
  }
}, 20_000);
