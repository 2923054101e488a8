import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxRelay, type RecordedEvent } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { holdPoint, type SuiteContext, sleep, uniqueId, waitFor, withInstanceClock } from '../context.js';
import { Deposited, KitError, Withdrawn } from '../fixtures.js';
import { KitProcesses } from '../processes.js';

interface Delivery {
  readonly id: string;
  readonly stream: string;
  readonly version: number;
  readonly owner: string;
}

const streamKey = (event: RecordedEvent) => `${event.stream.tenant}/${event.stream.category}/${event.stream.id}`;

/** Per stream, the first delivery of each version comes in version order. */
function expectStreamOrder(deliveries: readonly Delivery[]): void {
  const firstSeen = new Map<string, number[]>();
  const delivered = new Set<string>();
  for (const { id, stream, version } of deliveries) {
    if (delivered.has(id)) continue;
    delivered.add(id);
    firstSeen.set(stream, [...(firstSeen.get(stream) ?? []), version]);
  }
  for (const versions of firstSeen.values()) {
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  }
}

export function outboxSuite<H>(ctx: SuiteContext<H>): void {
  describe('outbox', () => {
    it('10,000 events from 4 writers reach the publisher at least once, in stream order, while relays are killed and restarted', async () => {
      const writers = 4;
      const appendsPerWriter = 250;
      const eventsPerAppend = 10;
      const total = writers * appendsPerWriter * eventsPerAppend;
      const record = join(mkdtempSync(join(tmpdir(), 'es-outbox-')), 'delivered.log');
      writeFileSync(record, '');
      const deliveries = (): Delivery[] =>
        readFileSync(record, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [id, stream, version, owner] = line.split(' ');
            return { id: id!, stream: stream!, version: Number(version), owner: owner! };
          });
      const distinct = () => new Set(deliveries().map((d) => d.id)).size;

      const { processModule } = ctx.target;
      const processes = new KitProcesses();
      const relayInProcess = createOutboxRelay(ctx.store(), {
        owner: 'steady',
        batchSize: 50,
        leaseMs: 1_000,
        polling: { minMs: 5, maxMs: 50 },
        async publish(event) {
          const { appendFileSync } = await import('node:fs');
          appendFileSync(record, `${event.id} ${streamKey(event)} ${event.version} steady\n`);
        },
      });
      const spawnRelay = (owner: string) => processes.spawn('relayProcess', [processModule ?? '', record, owner]);

      // The first crashing relay works alone, so it surely delivers before its first kill; the
      // steady relay joins after that and competes with the restarted ones.
      let crashing = processModule ? spawnRelay('crashing-0') : undefined;
      if (!crashing) relayInProcess.start();
      let kills = 0;
      try {
        const appendAll = Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            const store = ctx.store({ outbox: true });
            for (let a = 0; a < appendsPerWriter; a++) {
              const stream = { category: 'account', id: `w${w}-s${a % 5}` };
              await store.append(
                stream,
                Array.from({ length: eventsPerAppend }, (_, n) => Deposited.create({ amount: n + 1 })),
                { expectedVersion: 'any' },
              );
            }
          }),
        );
        for (let round = 1; round <= 3; round++) {
          if (crashing) {
            // Kill it while it works: the first once it has delivered, later ones after a while.
            if (round === 1) {
              await waitFor('crashing-0 to deliver', () => deliveries().some((d) => d.owner === 'crashing-0'), 60_000);
            } else {
              await sleep(500);
            }
            await processes.kill(crashing);
            relayInProcess.start();
            crashing = spawnRelay(`crashing-${round}`);
          } else {
            // No second process can share this store: a relay claims a batch, delivers part of it
            // and dies without settling, which is what a killed process leaves behind.
            const claimed = await ctx
              .store()
              .backend.transaction((session) =>
                session.claimOutbox(`crashing-${round}`, new Date(), new Date(Date.now() + 1_000), 50),
              );
            for (const entry of claimed.slice(0, 10)) {
              writeFileSync(
                record,
                `${entry.event.eventId} ${entry.event.stream.tenant}/${entry.event.stream.category}/${entry.event.stream.id} ${entry.event.version} crashing-${round}\n`,
                { flag: 'a' },
              );
            }
          }
          kills++;
        }
        await appendAll;
        await waitFor('every event to be delivered', () => distinct() >= total, 180_000);
        await waitFor('the outbox to empty', async () => (await ctx.target.countRows()).outbox === 0, 60_000);
      } finally {
        await relayInProcess.stop();
        await processes.killAll();
      }
      expect(kills).toBe(3);
      const all = deliveries();
      // The killed relays did real work before dying.
      expect(all.filter((d) => d.owner.startsWith('crashing-')).length).toBeGreaterThan(0);
      expect(new Set(all.map((d) => d.id)).size).toBe(total);
      expectStreamOrder(all);
      expect((await ctx.target.countRows()).outbox).toBe(0);
    }, 300_000);

    it('a publisher that fails twice then succeeds delivers once the retries pass', async () => {
      const store = ctx.store({ outbox: true });
      const stream = { category: 'account', id: uniqueId() };
      const appended = await store.append(stream, Deposited.create({ amount: 7 }), { expectedVersion: 'no_stream' });
      let calls = 0;
      const delivered: string[] = [];
      const relay = createOutboxRelay(ctx.store(), {
        maxAttempts: 5,
        backoff: { baseMs: 20, maxMs: 40 },
        async publish(event) {
          calls++;
          if (calls <= 2) throw new KitError(`broker down (${calls})`);
          delivered.push(event.id);
        },
      });
      for (let i = 0; i < 50 && delivered.length === 0; i++) {
        await relay.processBatch();
        await sleep(25);
      }
      expect(calls).toBe(3);
      expect(delivered).toEqual([appended.events[0]!.id]);
      expect(await relay.status()).toMatchObject({ pending: 0, dead: 0 });
    });

    it('a publisher that always fails parks the row as dead with its error; the operator retry delivers it', async () => {
      const store = ctx.store({ outbox: true });
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, [Deposited.create({ amount: 1 }), Withdrawn.create({ amount: 1 })], {
        expectedVersion: 'no_stream',
      });
      let failing = true;
      const delivered: number[] = [];
      const relay = createOutboxRelay(ctx.store(), {
        maxAttempts: 3,
        backoff: { baseMs: 1, maxMs: 1 },
        async publish(event) {
          if (failing) throw new KitError('rejected by broker');
          delivered.push(event.version);
        },
      });
      for (let i = 0; i < 30; i++) {
        await relay.processBatch();
        if ((await relay.status()).dead > 0) break;
        await sleep(5);
      }
      const dead = await relay.dead.list();
      expect(dead).toHaveLength(1);
      expect(dead[0]?.attempts).toBe(3);
      expect(dead[0]?.lastError).toContain('rejected by broker');
      expect(dead[0]?.event.version).toBe(1);
      // The row behind the dead one waits: its stream stays in order.
      expect(await relay.status()).toMatchObject({ pending: 1, dead: 1 });
      failing = false;
      expect(await relay.dead.retry()).toBe(1);
      await relay.drain();
      expect(delivered).toEqual([1, 2]);
      expect(await relay.status()).toMatchObject({ pending: 0, dead: 0 });
    });

    it('the operator can purge dead rows', async () => {
      const store = ctx.store({ outbox: true });
      await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const relay = createOutboxRelay(ctx.store(), {
        maxAttempts: 1,
        async publish() {
          throw new KitError('nope');
        },
      });
      await relay.processBatch();
      const [dead] = await relay.dead.list();
      expect(dead).toBeDefined();
      expect(await relay.dead.purge([dead!.id])).toBe(1);
      expect(await relay.status()).toMatchObject({ pending: 0, dead: 0 });
    });

    it("a relay made from a tenant's store works on that tenant's rows only; one from a store without a tenant, on all", async () => {
      const store = ctx.store({ outbox: true });
      for (const tenant of ['a', 'b']) {
        await store.forTenant(tenant).append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
        await store.forTenant(tenant).append({ category: 'account', id: uniqueId() }, Withdrawn.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
      }
      const failing = (tenant: string) =>
        createOutboxRelay(ctx.store().forTenant(tenant), {
          maxAttempts: 1,
          async publish() {
            throw new KitError('nope');
          },
        });
      // Each tenant's rows go dead through that tenant's relay; the other tenant's stay pending.
      expect(await failing('a').processBatch()).toMatchObject({ claimed: 2, failed: 2 });
      expect(await failing('a').status()).toMatchObject({ pending: 0, dead: 2 });
      expect(await failing('b').status()).toMatchObject({ pending: 2, dead: 0 });
      const all = createOutboxRelay(ctx.store(), { async publish() {} });
      expect(await all.status()).toMatchObject({ pending: 2, dead: 2 });
      expect(await failing('b').dead.list()).toEqual([]);
      expect(await failing('b').dead.purge()).toBe(0);
      expect(await failing('b').dead.retry()).toBe(0);
      expect((await failing('a').dead.list()).map((row) => row.event.stream.tenant)).toEqual(['a', 'a']);
      const published: string[] = [];
      const relayB = createOutboxRelay(ctx.store({ tenant: 'b' }), {
        async publish(event) {
          published.push(event.stream.tenant);
        },
      });
      expect(await relayB.drain()).toBe(2);
      expect(published).toEqual(['b', 'b']);
      expect(await all.dead.retry()).toBe(2);
      expect(await all.drain()).toBe(2);
      expect(await all.status()).toMatchObject({ pending: 0, dead: 0 });
    });

    it('judges claims by the database clock: an appender an hour fast does not hold its rows back, a relay an hour fast takes no live claim', async () => {
      const fast = Date.now() + 3_600_000;
      const appender = ctx.store({ outbox: true, clock: () => new Date(fast) });
      await appender.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const publishing = holdPoint();
      const slow = createOutboxRelay(ctx.store(), { leaseMs: 60_000, publish: () => publishing.hold() });
      const batch = slow.processBatch();
      await publishing.reached;
      try {
        const skewed = createOutboxRelay(ctx.store(), { owner: 'skewed', async publish() {} });
        expect(await withInstanceClock(fast, () => skewed.processBatch())).toMatchObject({ claimed: 0 });
      } finally {
        publishing.release();
      }
      expect(await batch).toMatchObject({ claimed: 1, published: 1 });
      expect(await slow.status()).toMatchObject({ pending: 0, dead: 0 });
    });

    it("never publishes a row behind its stream's first row while that one waits for its retry", async () => {
      const store = ctx.store({ outbox: true });
      const stream = { category: 'account', id: uniqueId() };
      const { events } = await store.append(
        stream,
        [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 })],
        {
          expectedVersion: 'no_stream',
        },
      );
      const published: number[] = [];
      let failFirst = true;
      const relay = createOutboxRelay(ctx.store(), {
        backoff: { baseMs: 60_000, maxMs: 60_000 },
        async publish(event) {
          if (failFirst && event.id === events[0]!.id) throw new KitError('broker down');
          published.push(event.version);
        },
      });
      expect(await relay.processBatch()).toMatchObject({ failed: 1, published: 0 });
      failFirst = false;
      // The first row is due again only in a minute: nothing of its stream goes out before it.
      expect(await relay.processBatch()).toMatchObject({ claimed: 0 });
      expect(published).toEqual([]);
      expect(await relay.status()).toMatchObject({ pending: 2, dead: 0 });
    });

    it('a stream held back at the front of the outbox holds back only itself: the streams behind it go out', async () => {
      const store = ctx.store({ outbox: true });
      const held = { category: 'account', id: uniqueId('held') };
      const behind = { category: 'account', id: uniqueId('behind') };
      const { events } = await store.append(
        held,
        [1, 2, 3, 4].map((amount) => Deposited.create({ amount })),
        { expectedVersion: 'no_stream' },
      );
      await store.append(behind, [Deposited.create({ amount: 5 }), Deposited.create({ amount: 6 })], {
        expectedVersion: 'no_stream',
      });
      const published: string[] = [];
      let failFirst = true;
      const relay = createOutboxRelay(ctx.store(), {
        batchSize: 2,
        backoff: { baseMs: 60_000, maxMs: 60_000 },
        async publish(event) {
          if (failFirst && event.id === events[0]!.id) throw new KitError('broker down');
          published.push(`${event.stream.id === held.id ? 'held' : 'behind'} ${event.version}`);
        },
      });
      expect(await relay.processBatch()).toMatchObject({ failed: 1, published: 0 });
      failFirst = false;
      // The first rows in the outbox are all the held stream's; the relay looks past them.
      expect(await relay.processBatch()).toMatchObject({ published: 2 });
      expect(await relay.processBatch()).toMatchObject({ claimed: 0 });
      expect(published).toEqual(['behind 1', 'behind 2']);
      expect(await relay.status()).toMatchObject({ pending: 4, dead: 0 });
    });

    it('writes outbox rows only for the events the filter selects', async () => {
      const store = ctx.store({ outbox: (event) => event.type === 'Withdrawn' });
      await store.append(
        { category: 'account', id: uniqueId() },
        [Deposited.create({ amount: 1 }), Withdrawn.create({ amount: 1 })],
        { expectedVersion: 'no_stream' },
      );
      const seen: string[] = [];
      await createOutboxRelay(ctx.store(), {
        async publish(event) {
          seen.push(event.type);
        },
      }).drain();
      expect(seen).toEqual(['Withdrawn']);
    });

    it('a host rollback leaves no outbox rows', async () => {
      const store = ctx.store({ outbox: true });
      await expect(
        ctx.target.hostTransaction(async (handle) => {
          const stream = { category: 'account', id: uniqueId() };
          const joined = store.withTransaction(handle);
          await joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
          expect(await joined.readStream(stream)).toHaveLength(1);
          throw new KitError('host gives up');
        }),
      ).rejects.toThrow('host gives up');
      expect((await ctx.target.countRows()).outbox).toBe(0);
    });
  });
}
