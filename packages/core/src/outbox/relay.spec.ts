import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import type { BackendSession, EventStoreBackend } from '../backend/index.js';
import { StoreError } from '../errors/index.js';
import { defineEvent } from '../events/index.js';
import { createMemoryBackend } from '../memory/index.js';
import { createEventStore } from '../store/index.js';
import { createOutboxRelay } from './index.js';

const Pinged = defineEvent('Pinged', z.object({ n: z.number() }));

/** The memory backend, with claimOutbox failing as `failure(attempt)` says, attempt by attempt. */
function failingClaims(failure: (attempt: number) => Error | undefined) {
  const inner = createMemoryBackend() as EventStoreBackend<unknown>;
  let attempts = 0;
  const withFaultyClaim = (session: BackendSession<unknown>) =>
    new Proxy(session, {
      get(target, property) {
        if (property === 'claimOutbox') {
          return async (...args: Parameters<BackendSession<unknown>['claimOutbox']>) => {
            const error = failure(++attempts);
            if (error) throw error;
            return target.claimOutbox(...args);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const backend: EventStoreBackend<unknown> = {
    ...inner,
    transaction: (work, options) => inner.transaction((session) => work(withFaultyClaim(session)), options),
    read: (work, options) => inner.read(work, options),
  };
  return { backend, attempts: () => attempts };
}

async function relayOver(backend: EventStoreBackend<unknown>) {
  const store = createEventStore({ backend, events: [Pinged], outbox: true });
  await store.append({ category: 'ping', id: 'p-1' }, [Pinged.create({ n: 1 }), Pinged.create({ n: 2 })], {
    expectedVersion: 'no_stream',
  });
  const published: number[] = [];
  const errors: unknown[] = [];
  const relay = createOutboxRelay(store, {
    publish: async (event) => {
      published.push(event.data.n);
    },
    onError: (error) => errors.push(error),
  });
  return { relay, published, errors };
}

const deadlock = () => new StoreError('deadlock detected', { retryable: true });

describe('outbox relay claims', () => {
  it('runs a claim the database rolled back as a deadlock victim again, without reporting it', async () => {
    const { backend, attempts } = failingClaims((attempt) => (attempt <= 2 ? deadlock() : undefined));
    const { relay, published, errors } = await relayOver(backend);
    expect(await relay.drain()).toBe(2);
    expect(published).toEqual([1, 2]);
    expect(errors).toEqual([]);
    expect(attempts()).toBeGreaterThanOrEqual(3);
  });

  it('reports a claim that keeps deadlocking after three attempts', async () => {
    const { backend, attempts } = failingClaims(deadlock);
    const { relay, published } = await relayOver(backend);
    await expect(relay.drain()).rejects.toMatchObject({ retryable: true });
    expect(attempts()).toBe(3);
    expect(published).toEqual([]);
  });

  it('does not retry other store errors', async () => {
    const { backend, attempts } = failingClaims(() => new StoreError('connection lost'));
    const { relay } = await relayOver(backend);
    await expect(relay.drain()).rejects.toThrow('connection lost');
    expect(attempts()).toBe(1);
  });
});
