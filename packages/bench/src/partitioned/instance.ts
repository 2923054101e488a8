// One instance process of the partitioned-catch-up workload: opens the parent's database, builds
// the consumer the parent describes (argv[2], JSON), starts it when told and stops it when told.
// Every batch's size and handler time go to the parent; the parent decides when the log is handled.
import { setTimeout as sleep } from 'node:timers/promises';
import { createConsumer, createEventStore, type EventStoreBackend } from '@es/core';
import { createDrizzleBackend } from '@es/drizzle';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { Deposited } from '../fixtures.ts';
import type { FromInstance, InstanceBackend, InstanceOptions, ToInstance } from './protocol.ts';

const send = (message: FromInstance) => process.send?.(message);

function openBackend(spec: InstanceBackend): { backend: EventStoreBackend<unknown>; close(): Promise<void> } {
  // One connection per partition this instance handles at once, one for its balancing, one for read-ahead.
  const pool = new pg.Pool({ connectionString: spec.url, max: 4 });
  const backend = createDrizzleBackend(drizzle(pool), { tablePrefix: spec.tablePrefix });
  return { backend: backend as never, close: () => pool.end() };
}

const options = JSON.parse(process.argv[2] ?? '{}') as InstanceOptions;
const { backend, close } = openBackend(options.backend);
const store = createEventStore({ backend, events: [Deposited] });
const consumer = createConsumer(store, {
  name: options.consumer,
  ...(options.partitions !== undefined && { partitions: options.partitions, concurrency: options.concurrency }),
  batchSize: options.batchSize,
  leaseMs: options.leaseMs,
  owner: options.owner,
  onError: (error) => send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
  async handle(events) {
    const started = performance.now();
    for (let index = 0; index < events.length; index++) await sleep(options.handlerMsPerEvent);
    send({ type: 'batch', count: events.length, ms: performance.now() - started });
  },
});

process.on('message', (message: ToInstance) => {
  if (message.type === 'start') consumer.start();
  else if (message.type === 'stop') {
    void consumer
      .stop()
      .then(close)
      .then(() => {
        send({ type: 'stopped' });
        process.disconnect();
      });
  }
});
// The pool connects on first use: a read now, so that the timed part does not pay for it.
await backend.read(async () => undefined);
send({ type: 'ready' });
