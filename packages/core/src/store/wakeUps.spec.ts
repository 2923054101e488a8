// In-process wake-ups: an append that commits wakes this process's consumers and relays; their
// own transactions (leases, checkpoints, claims) wake no one, so a consumer and a relay running
// side by side go idle instead of waking each other for ever.
import { expect, it } from '@jest/globals';
import { z } from 'zod';
import { createConsumer } from '../consumers/index.js';
import { defineEvent } from '../events/index.js';
import { createMemoryBackend } from '../memory/index.js';
import { createOutboxRelay } from '../outbox/index.js';
import { onAppendCommitted } from './ambient.js';
import { createEventStore } from './index.js';

const Noted = defineEvent('Noted', z.object({ n: z.number() }));

it("wakes listeners after an append, never after a consumer's or a relay's own batch", async () => {
  const backend = createMemoryBackend();
  const store = createEventStore({ backend, events: [Noted], outbox: true });
  let wakeUps = 0;
  onAppendCommitted(backend, () => wakeUps++);

  await store.append({ category: 'note', id: 'a' }, Noted.create({ n: 1 }), { expectedVersion: 'no_stream' });
  expect(wakeUps).toBe(1);

  const consumer = createConsumer(store, { name: 'notes', handle: async () => {} });
  const relay = createOutboxRelay(store, { publish: async () => {} });
  expect(await consumer.processBatch()).toMatchObject({ status: 'processed', count: 1 });
  expect(await relay.processBatch()).toMatchObject({ claimed: 1, published: 1 });
  await consumer.stop();
  expect(wakeUps).toBe(1);
});
