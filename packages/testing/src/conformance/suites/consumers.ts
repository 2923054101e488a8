import { compareLogPositions, createConsumer, type EventStoreBackend, LOG_START, type RecordedEvent } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { consumerInstances, holdPoint, logPosition, type SuiteContext, sleep, uniqueId, waitFor } from '../context.js';
import { Deposited, KitError, Withdrawn } from '../fixtures.js';
import { KitProcesses } from '../processes.js';

/**
 * Opens a transaction that appends one event and stays open (on PostgreSQL it holds the log's
 * horizon back) until `commit()` is called; `commit()` resolves once it has committed.
 */
async function holdOlderAppend<H>(ctx: SuiteContext<H>): Promise<{ commit(): Promise<void> }> {
  const wrote = holdPoint();
  const older = ctx.store().transaction(async (tx) => {
    await tx.append({ category: 'account', id: uniqueId('older') }, Deposited.create({ amount: 1 }), {
      expectedVersion: 'no_stream',
    });
    await wrote.hold();
  });
  // If the transaction fails before it wrote, say why instead of waiting for `wrote` forever.
  await Promise.race([
    wrote.reached,
    older.then(() => {
      throw new KitError('the older transaction ended before it appended');
    }),
  ]);
  return {
    commit() {
      wrote.release();
      return older;
    },
  };
}

/** The backend with each autocommit `read` run through `around` (to count reads, or slow them down). */
function aroundReads<H>(
  backend: EventStoreBackend<H>,
  around: (read: () => Promise<unknown>) => Promise<unknown>,
): EventStoreBackend<H> {
  return new Proxy(backend, {
    get: (target, key) =>
      key === 'read'
        ? (...args: Parameters<EventStoreBackend<H>['read']>) => around(() => target.read(...args))
        : Reflect.get(target, key),
  });
}

/**
 * Two instances of one consumer after `first` handled an event: it holds the lease, and `second`
 * is refused for it.
 */
async function leaseHeldByFirst<H>(ctx: SuiteContext<H>, options: { name: string; leaseMs: number }) {
  const consumer = consumerInstances(ctx, options);
  const first = consumer.instance('first');
  const second = consumer.instance('second');
  await ctx.store().append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
    expectedVersion: 'no_stream',
  });
  expect((await first.processBatch()).status).toBe('processed');
  expect(await second.processBatch()).toEqual({ status: 'not-holder', holder: 'first' });
  return { handled: consumer.handled, first, second };
}

export function consumersSuite<H>(ctx: SuiteContext<H>): void {
  describe('consumers and projections', () => {
    it('handles every event exactly once, in cursor order, while 8 writers append and a slow transaction holds its events open', async () => {
      const writers = 8;
      const perWriter = 500;
      const handled: RecordedEvent[] = [];
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('projection'),
        batchSize: 200,
        polling: { minMs: 1, maxMs: 20 },
        async handle(events, context) {
          for (const event of events) await ctx.target.writeHostRow(context.transaction, event.id);
          handled.push(...events);
        },
      });
      consumer.start();
      const slowOpen = holdPoint();
      const slowStream = { category: 'account', id: uniqueId('slow') };
      const slow = ctx.store().transaction(async (tx) => {
        await tx.append(slowStream, [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 })], {
          expectedVersion: 'no_stream',
        });
        await slowOpen.hold();
      });
      await slowOpen.reached;
      const concurrent = ctx.backend().capabilities.concurrentAppends;
      const writes = Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const store = ctx.store();
          const stream = { category: 'account', id: uniqueId(`writer${w}`) };
          for (let i = 0; i < perWriter; i++) {
            await store.append(stream, Deposited.create({ amount: i + 1 }), { expectedVersion: i });
            if (concurrent && w === 0 && i === 100) slowOpen.release();
          }
        }),
      );
      // Where appends cannot commit while the slow transaction is open, let it go soon.
      if (!concurrent) setTimeout(() => slowOpen.release(), 50);
      await Promise.all([slow, writes]);
      await consumer.whenCaughtUp({ timeoutMs: 120_000 });
      await consumer.stop();

      const total = writers * perWriter + 2;
      expect(handled).toHaveLength(total);
      expect(new Set(handled.map((e) => e.id)).size).toBe(total);
      for (let i = 1; i < handled.length; i++) {
        expect(compareLogPositions(logPosition(handled[i - 1]!), logPosition(handled[i]!))).toBeLessThan(0);
      }
      expect((await ctx.target.hostRowIds()).length).toBe(total);
      const status = await consumer.status();
      expect(status.lag).toBe(0);
    }, 180_000);

    it('whenCaughtUp waits for an event committed while an older transaction holds the log back', async () => {
      const handled: string[] = [];
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('waiter'),
        polling: { minMs: 1, maxMs: 10 },
        async handle(events) {
          handled.push(...events.map((event) => event.id));
        },
      });
      consumer.start();
      const stream = { category: 'account', id: uniqueId() };
      try {
        if (ctx.backend().capabilities.concurrentAppends) {
          // The older transaction stays open while a later one commits: the log's horizon sits
          // behind both, yet the later event is committed and must count as "before the call".
          const older = await holdOlderAppend(ctx);
          const later = await ctx.store().append(stream, Deposited.create({ amount: 2 }), {
            expectedVersion: 'no_stream',
          });
          setTimeout(() => void older.commit(), 200);
          await consumer.whenCaughtUp();
          expect(handled).toContain(later.events[0]!.id);
          await older.commit();
        } else {
          const appended = await ctx.store().append(stream, Deposited.create({ amount: 2 }), {
            expectedVersion: 'no_stream',
          });
          await consumer.whenCaughtUp();
          expect(handled).toContain(appended.events[0]!.id);
        }
      } finally {
        await consumer.stop();
      }
    });

    it('a woken consumer whose events are held back by an older transaction retries soon instead of sleeping out its poll', async () => {
      const handled: string[] = [];
      let wake: (() => void) | undefined;
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('sleeper'),
        // Without the wake-up and the held-back retry, this consumer would sleep for a minute.
        polling: { minMs: 60_000, maxMs: 60_000 },
        wakeUp: async (hint) => {
          wake = hint;
          return async () => {};
        },
        async handle(events) {
          handled.push(...events.map((event) => event.id));
        },
      });
      consumer.start();
      try {
        await consumer.whenCaughtUp();
        const stream = { category: 'account', id: uniqueId() };
        if (ctx.backend().capabilities.concurrentAppends) {
          const older = await holdOlderAppend(ctx);
          const later = await ctx.store().append(stream, Deposited.create({ amount: 2 }), {
            expectedVersion: 'no_stream',
          });
          wake?.(); // the later commit's notification: it arrives while the older transaction is open
          await sleep(100);
          await older.commit();
          await waitFor('the held-back event', () => handled.includes(later.events[0]!.id), 10_000);
        } else {
          const appended = await ctx.store().append(stream, Deposited.create({ amount: 2 }), {
            expectedVersion: 'no_stream',
          });
          wake?.();
          await waitFor('the woken consumer', () => handled.includes(appended.events[0]!.id), 10_000);
        }
      } finally {
        await consumer.stop();
      }
    });

    it('two instances of one consumer started together handle each event once overall', async () => {
      const name = uniqueId('shared');
      const handledBy = new Map<string, string[]>();
      const instance = (owner: string) =>
        createConsumer(ctx.store(), {
          name,
          owner,
          batchSize: 10,
          leaseMs: 5_000,
          polling: { minMs: 1, maxMs: 10 },
          async handle(events, context) {
            for (const event of events) await ctx.target.writeHostRow(context.transaction, event.id);
            handledBy.set(owner, [...(handledBy.get(owner) ?? []), ...events.map((e) => e.id)]);
          },
        });
      const a = instance('a');
      const b = instance('b');
      a.start();
      b.start();
      const store = ctx.store();
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        const result = await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
        ids.push(result.events[0]!.id);
      }
      await waitFor('both instances to project 60 rows', async () => (await ctx.target.hostRowIds()).length >= 60);
      await a.whenCaughtUp();
      await Promise.all([a.stop(), b.stop()]);
      const all = [...(handledBy.get('a') ?? []), ...(handledBy.get('b') ?? [])];
      expect(all.sort()).toEqual([...ids].sort());
      expect((await ctx.target.hostRowIds()).sort()).toEqual([...ids].sort());
    }, 120_000);

    it('a consumer killed mid-batch and restarted leaves the projection equal to a clean rebuild', async () => {
      const store = ctx.store({ tenant: 'crash' });
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const result = await store.append(
          { category: 'account', id: uniqueId() },
          Array.from({ length: 10 }, (_, n) => Deposited.create({ amount: n + 1 })),
          { expectedVersion: 'no_stream' },
        );
        ids.push(...result.events.map((e) => e.id));
      }
      const name = uniqueId('crashy');
      const { processModule } = ctx.target;
      if (processModule) {
        const processes = new KitProcesses();
        const spawn = () => processes.spawn('consumerProcess', [processModule, name, '30']);
        let kills = 0;
        try {
          for (let round = 0; round < 3; round++) {
            const child = spawn();
            const before = (await ctx.target.hostRowIds()).length;
            await waitFor('the child to commit a batch', async () => (await ctx.target.hostRowIds()).length > before);
            await sleep(15);
            await processes.kill(child);
            kills++;
          }
          spawn();
          await waitFor(
            'the restarted child to finish',
            async () => (await ctx.target.hostRowIds()).length >= ids.length,
          );
          await sleep(200);
        } finally {
          await processes.killAll();
        }
        expect(kills).toBe(3);
      } else {
        // No second process can share this store: crash the batch in-process instead.
        let batches = 0;
        const crashing = createConsumer(store, {
          name,
          batchSize: 25,
          leaseMs: 500,
          async handle(events, context) {
            for (const event of events) await ctx.target.writeHostRow(context.transaction, event.id);
            if (++batches % 3 === 0) throw new KitError('crash mid-batch');
          },
        });
        for (let attempt = 0; attempt < 40; attempt++) {
          try {
            await crashing.catchUp();
            break;
          } catch {
            // the batch rolled back; run again from the last checkpoint
          }
        }
      }
      const afterCrashes = (await ctx.target.hostRowIds()).sort();
      expect(afterCrashes).toEqual([...ids].sort());

      // A clean rebuild of the same projection gives the same rows.
      const rebuilt = createConsumer(store, {
        name,
        batchSize: 50,
        async handle(events, context) {
          for (const event of events) await ctx.target.writeHostRow(context.transaction, event.id);
        },
      });
      const progress: number[] = [];
      await sleep(600); // let a killed holder's lease run out
      const handled = await rebuilt.rebuild({
        clear: (context) => ctx.target.clearHostRows(context.transaction),
        onProgress: ({ handled }) => {
          progress.push(handled);
        },
      });
      expect(handled).toBe(ids.length);
      expect(progress.at(-1)).toBe(ids.length);
      expect((await ctx.target.hostRowIds()).sort()).toEqual(afterCrashes);
    }, 180_000);

    it('an inline projection that throws rolls the append back: no events, no outbox rows, nothing for a consumer to handle', async () => {
      const seen: string[] = [];
      const watcher = createConsumer(ctx.store(), {
        name: uniqueId('watcher'),
        async handle(events) {
          seen.push(...events.map((event) => event.id));
        },
      });
      await watcher.catchUp();
      const store = ctx.store({
        outbox: true,
        projections: [
          {
            name: 'balance',
            async handle(events, context) {
              for (const event of events) await ctx.target.writeHostRow(context.transaction, event.id);
              if (events.some((e) => e.type === 'Withdrawn')) throw new KitError('projection refused');
            },
          },
        ],
      });
      const stream = { category: 'account', id: uniqueId() };
      await expect(
        store.append(stream, [Deposited.create({ amount: 1 }), Withdrawn.create({ amount: 1 })], {
          expectedVersion: 'no_stream',
        }),
      ).rejects.toThrow('projection refused');
      expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
      expect(await ctx.target.hostRowIds()).toEqual([]);
      // The watcher runs over the log after the failed append: nothing was left for it.
      expect(await watcher.catchUp()).toBe(0);
      const ok = await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      expect(await ctx.target.hostRowIds()).toEqual([ok.events[0]!.id]);
      expect(await watcher.catchUp()).toBe(1);
      expect(seen).toEqual([ok.events[0]!.id]);
    });

    it('a crashed holder is replaced once its lease runs out', async () => {
      // `first` dies without releasing; `second` must wait for the lease to run out.
      const { handled, second } = await leaseHeldByFirst(ctx, { name: uniqueId('leased'), leaseMs: 300 });
      await sleep(400);
      await ctx.store().append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 2 }), {
        expectedVersion: 'no_stream',
      });
      expect((await second.processBatch()).status).toBe('processed');
      expect(handled.map(({ owner, event }) => `${owner}:${event.version}`)).toEqual(['first:1', 'second:1']);
    });

    it('stop() after batches run with processBatch() gives the lease up: another instance takes over at once', async () => {
      const { first, second } = await leaseHeldByFirst(ctx, { name: uniqueId('handover'), leaseMs: 60_000 });
      await first.stop();
      expect((await second.processBatch()).status).toBe('idle');
    });

    it('starts at the end when asked, filters by type, and reports status and lag', async () => {
      const store = ctx.store();
      await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const seen: string[] = [];
      const consumer = createConsumer(store, {
        name: uniqueId('tail'),
        start: 'end',
        types: ['Withdrawn'],
        async handle(events) {
          seen.push(...events.map((e) => e.type));
        },
      });
      expect((await consumer.processBatch()).status).toBe('idle');
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, [Deposited.create({ amount: 5 }), Withdrawn.create({ amount: 2 })], {
        expectedVersion: 'no_stream',
      });
      const status = await consumer.status();
      expect(status.lag).toBe(1);
      expect(status.checkpoint).toBeDefined();
      expect(compareLogPositions(status.head, status.checkpoint ?? LOG_START)).toBeGreaterThanOrEqual(0);
      await consumer.catchUp();
      expect(seen).toEqual(['Withdrawn']);
      expect((await consumer.status()).lag).toBe(0);
    });

    it('reads its next page ahead where the backend can, and uses it only where its checkpoint still is: a failed batch and another instance in between lose and repeat nothing', async () => {
      const backend = ctx.backend();
      let reads = 0;
      const store = ctx.store({
        backend: aroundReads(backend, (read) => {
          reads += 1;
          return read();
        }),
      });
      const ids: string[] = [];
      for (let i = 0; i < 35; i++) {
        const stream = { category: 'account', id: uniqueId(`ahead${i % 3}`) };
        const result = await store.append(stream, Deposited.create({ amount: i + 1 }), { expectedVersion: 'any' });
        ids.push(result.events[0]!.id);
      }
      const handled: string[] = [];
      let failNext = false;
      const instance = (owner: string) =>
        createConsumer(store, {
          name: 'ahead',
          owner,
          batchSize: 10,
          leaseMs: 500,
          async handle(events) {
            if (failNext) {
              failNext = false;
              throw new KitError('handler failed');
            }
            handled.push(...events.map((event) => event.id));
          },
        });
      const a = instance('a');
      const b = instance('b');
      const readsBefore = reads;
      expect(await a.processBatch()).toMatchObject({ status: 'processed', count: 10 });
      // Its own page, and after a full one the next, read beside the batch where the backend reads concurrently.
      expect(reads - readsBefore).toBe(backend.capabilities.concurrentReads ? 2 : 1);
      failNext = true;
      await expect(a.processBatch()).rejects.toThrow('handler failed');
      // Rolled back: the page read ahead of this batch starts past the checkpoint, so it is read again.
      expect(await a.processBatch()).toMatchObject({ status: 'processed', count: 10 });
      await sleep(600); // a's lease runs out; b takes over and moves the checkpoint past a's page ahead
      expect(await b.processBatch()).toMatchObject({ status: 'processed', count: 10 });
      expect(await b.processBatch()).toMatchObject({ status: 'processed', count: 5 });
      await sleep(600);
      expect(await a.processBatch()).toMatchObject({ status: 'idle' });
      expect(handled).toEqual(ids);
      const solo = createConsumer(store, { name: 'solo', batchSize: 10, readAhead: false, async handle() {} });
      const readsAlone = reads;
      expect(await solo.processBatch()).toMatchObject({ status: 'processed', count: 10 });
      expect(reads).toBe(readsAlone + 1); // its own page only
    });

    it('stop() returns once a page read ahead has come back, after the loop or after processBatch()', async () => {
      const backend = ctx.backend();
      let inFlight = 0;
      const store = ctx.store({
        backend: aroundReads(backend, async (read) => {
          inFlight += 1;
          try {
            await sleep(100);
            return await read();
          } finally {
            inFlight -= 1;
          }
        }),
      });
      for (let i = 0; i < 40; i++) {
        await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
      }
      const readsAhead = backend.capabilities.concurrentReads ? 1 : 0;
      const manual = createConsumer(store, { name: uniqueId('manual'), batchSize: 10, async handle() {} });
      expect(await manual.processBatch()).toMatchObject({ status: 'processed', count: 10 });
      expect(inFlight).toBe(readsAhead);
      await manual.stop();
      expect(inFlight).toBe(0);

      const handled: number[] = [];
      const running = createConsumer(store, {
        name: uniqueId('running'),
        batchSize: 10,
        polling: { minMs: 1, maxMs: 10 },
        async handle(events) {
          handled.push(events.length);
        },
      });
      running.start();
      await waitFor('a first batch', () => handled.length > 0);
      await running.stop();
      expect(inFlight).toBe(0);
    });

    it('keeps consumers whose names differ only in letter case apart: each has its own checkpoint', async () => {
      const store = ctx.store();
      const name = uniqueId('case');
      const handled = { lower: [] as string[], upper: [] as string[] };
      const consumer = (key: keyof typeof handled, consumerName: string) =>
        createConsumer(store, {
          name: consumerName,
          start: 'end',
          async handle(events) {
            handled[key].push(...events.map((event) => event.stream.id));
          },
        });
      const lower = consumer('lower', name);
      const upper = consumer('upper', name.toUpperCase());
      expect((await lower.processBatch()).status).toBe('idle');
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      // Its own checkpoint starts at the end, after the append; the lower-case one's is before it.
      expect((await upper.processBatch()).status).toBe('idle');
      await lower.catchUp();
      await upper.catchUp();
      expect(handled).toEqual({ lower: [stream.id], upper: [] });
    });
  });
}
