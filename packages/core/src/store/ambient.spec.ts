// The store's own scope and the host's context on the memory backend, where the store's internals
// show: in-process listeners, and whether the context is asked at all. What a host sees of ambient
// transactions (commit, rollback, nesting, Promise.all, concurrent scopes, propagation, consumers
// woken after the commit) is the conformance kit's ambient suite, run on every backend.
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { createConsumer } from '../consumers/index.js';
import { TransactionRequiredError } from '../errors/index.js';
import { defineEvent } from '../events/index.js';
import { createMemoryBackend, type MemoryTransaction } from '../memory/index.js';
import { onAppendCommitted, type TransactionContext } from './ambient.js';
import { createEventStore } from './index.js';

const Noted = defineEvent('Noted', z.object({ n: z.number() }));
const at = (id: string) => ({ category: 'note', id });
const note = (n: number) => Noted.create({ n });

function storeWith(
  options: { requireTransaction?: boolean; transactionContext?: TransactionContext<MemoryTransaction> } = {},
) {
  const backend = createMemoryBackend();
  const store = createEventStore({ backend, events: [Noted], ...options });
  const commits: string[] = [];
  onAppendCommitted(backend, () => commits.push('committed'));
  return { backend, store, commits };
}

describe("store.atomic: the store's own ambient transaction", () => {
  it('commits every call inside together, and tells in-process listeners only after the commit', async () => {
    const { store, commits } = storeWith();
    await store.atomic(async () => {
      await store.append(at('a'), note(1), { expectedVersion: 'no_stream' });
      await store.forTenant('other').append(at('b'), note(2), { expectedVersion: 'no_stream' });
      expect(await store.streamVersion(at('a'))).toBe(1); // reads inside see the transaction's writes
      expect(commits).toEqual([]);
    });
    expect(await store.streamVersion(at('a'))).toBe(1);
    expect(await store.forTenant('other').streamVersion(at('b'))).toBe(1);
    expect(commits.length).toBeGreaterThan(0);
  });

  it('rolls every call back when work throws, and tells no listener', async () => {
    const { store, commits } = storeWith();
    await expect(
      store.atomic(async () => {
        await store.append(at('a'), note(1), { expectedVersion: 'no_stream' });
        throw new Error('host failed');
      }),
    ).rejects.toThrow('host failed');
    expect(await store.streamVersion(at('a'))).toBe(0);
    expect(commits).toEqual([]);
  });

  it('an explicit withTransaction handle wins: the ambient context is not even asked', async () => {
    const transactionContext: TransactionContext<MemoryTransaction> = {
      current: () => {
        throw new Error('the ambient context was consulted');
      },
    };
    const { backend, store } = storeWith({ transactionContext });
    await backend.transaction((explicit) =>
      store
        .withTransaction(explicit.handle as MemoryTransaction)
        .append(at('a'), note(1), { expectedVersion: 'no_stream' }),
    );
    await expect(store.append(at('b'), note(1), { expectedVersion: 'no_stream' })).rejects.toThrow('consulted');
  });
});

describe("transactionContext: the host's ambient transaction", () => {
  it('joins the handle the context gives, and follows its commit for the listeners', async () => {
    let current: MemoryTransaction | undefined;
    let afterCommit: (() => void)[] = [];
    const transactionContext: TransactionContext<MemoryTransaction> = {
      current: () => current,
      afterCommit: (callback) => afterCommit.push(callback),
    };
    const { backend, store, commits } = storeWith({ transactionContext });
    await expect(
      backend.transaction(async (host) => {
        current = host.handle as MemoryTransaction;
        await store.append(at('a'), note(1), { expectedVersion: 'no_stream' });
        current = undefined;
        throw new Error('host rolls back');
      }),
    ).rejects.toThrow();
    expect(await store.streamVersion(at('a'))).toBe(0);
    afterCommit = [];

    await backend.transaction(async (host) => {
      current = host.handle as MemoryTransaction;
      await store.append(at('a'), note(1), { expectedVersion: 'no_stream' });
      current = undefined;
    });
    expect(commits).toEqual([]); // the host's hook decides when: not yet called
    for (const callback of afterCommit) callback();
    expect(commits).toEqual(['committed']);
    expect(await store.streamVersion(at('a'))).toBe(1);
  });
});

describe('requireTransaction', () => {
  it('refuses a write outside any transaction with TransactionRequiredError, writing nothing', async () => {
    const { store } = storeWith({ requireTransaction: true });
    await expect(store.append(at('a'), note(1), { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(
      TransactionRequiredError,
    );
    await expect(store.saveSnapshot(at('a'), { version: 1, state: {} })).rejects.toMatchObject({
      code: 'TRANSACTION_REQUIRED',
    });
    expect(await store.streamVersion(at('a'))).toBe(0); // reads need none
    await store.atomic(() => store.append(at('a'), note(1), { expectedVersion: 'no_stream' }));
    // store.transaction and a repository's save (which runs in one) are refused too: only atomic opens one.
    await expect(
      store.transaction((inner) => inner.append(at('a'), note(2), { expectedVersion: 1 })),
    ).rejects.toBeInstanceOf(TransactionRequiredError);
    await store.atomic(() => store.transaction((inner) => inner.append(at('a'), note(2), { expectedVersion: 1 })));
    expect(await store.streamVersion(at('a'))).toBe(2);
  });

  it('leaves consumers to their own transactions', async () => {
    const { store } = storeWith({ requireTransaction: true });
    await store.atomic(() => store.append(at('a'), note(1), { expectedVersion: 'no_stream' }));
    const seen: number[] = [];
    const consumer = createConsumer(store, {
      name: 'notes',
      handle: async (events) => {
        for (const event of events) seen.push(event.data.n);
      },
    });
    expect(await consumer.processBatch()).toMatchObject({ status: 'processed', count: 1 });
    expect(seen).toEqual([1]);
  });
});
