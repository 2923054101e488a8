import { createConsumer, createEventStore, type EventStoreBackend } from '@es/core';
import { type PgListenClient, postgresWakeUp } from '@es/core/sql';
import { expect } from '@jest/globals';
import { bankEvents, Deposited } from './fixtures.js';

/**
 * PostgreSQL only: a consumer idling on a one-minute poll, with `postgresWakeUp` as its wake-up
 * hint, handles an append within moments of its commit. `backend` must be created with
 * `notify: true` over an empty store; `listenClient` opens a node-postgres client to the database.
 */
export async function expectNotifyWakesConsumer(
  backend: EventStoreBackend<unknown>,
  listenClient: () => PgListenClient,
  tablePrefix: string,
): Promise<void> {
  const store = createEventStore({ backend, events: bankEvents });
  let delivered!: (ids: string[]) => void;
  const handled = new Promise<string[]>((resolve) => {
    delivered = resolve;
  });
  const consumer = createConsumer(store, {
    name: 'woken',
    polling: { minMs: 60_000, maxMs: 60_000 },
    wakeUp: postgresWakeUp(listenClient, { tablePrefix }),
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
    // Without the notification the consumer would sleep out its minute and the test time out.
    expect(await handled).toEqual([appended.events[0]?.id]);
  } finally {
    await consumer.stop();
  }
}
