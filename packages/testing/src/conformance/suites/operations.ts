import {
  ConsumerHeldError,
  createOutboxRelay,
  InvalidArgumentError,
  InvalidStreamError,
  LOG_START,
  type RecordedEvent,
  uuidv7,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { consumerInstances, logPosition, type SuiteContext, uniqueId } from '../context.js';
import { Deposited, KitError } from '../fixtures.js';

/** `count` events appended one append (one transaction) each, to one stream. */
async function appendOneByOne<H>(ctx: SuiteContext<H>, count: number): Promise<RecordedEvent[]> {
  const stream = { category: 'account', id: uniqueId() };
  const recorded: RecordedEvent[] = [];
  for (let version = 0; version < count; version++) {
    const { events } = await ctx.store().append(stream, Deposited.create({ amount: version + 1 }), {
      expectedVersion: version,
    });
    recorded.push(...events);
  }
  return recorded;
}

const ids = (events: readonly { event: RecordedEvent }[]) => events.map(({ event }) => event.id);

/** What an operator's tools (the `es` command) read and repair: streams, checkpoints, the outbox. */
export function operationsSuite<H>(ctx: SuiteContext<H>): void {
  describe('operations', () => {
    it('lists streams with their versions in (tenant, category, id) order, by tenant and category, a page at a time', async () => {
      const store = ctx.store();
      const [a, b] = [store.forTenant('ops-a'), store.forTenant('ops-b')];
      await a.append(
        { category: 'account', id: 's1' },
        [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 })],
        {
          expectedVersion: 'no_stream',
        },
      );
      await a.append(
        { category: 'order', id: 's1' },
        [1, 2, 3].map((amount) => Deposited.create({ amount })),
        {
          expectedVersion: 'no_stream',
        },
      );
      await a.append({ category: 'account', id: 's2' }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      await b.append({ category: 'account', id: 's1' }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const summary = (tenant: string, category: string, id: string, version: number) => ({
        stream: { tenant, category, id },
        version,
        updatedAt: expect.any(Date),
      });

      expect(await a.listStreams()).toEqual({
        streams: [
          summary('ops-a', 'account', 's1', 2),
          summary('ops-a', 'account', 's2', 1),
          summary('ops-a', 'order', 's1', 3),
        ],
        next: undefined,
      });
      expect((await a.listStreams({ category: 'order' })).streams).toEqual([summary('ops-a', 'order', 's1', 3)]);
      expect((await store.listStreams()).streams).toEqual([]);

      const first = await store.listStreams({ allTenants: true, limit: 2 });
      expect(first.streams).toEqual([summary('ops-a', 'account', 's1', 2), summary('ops-a', 'account', 's2', 1)]);
      expect(first.next).toEqual({ tenant: 'ops-a', category: 'account', id: 's2' });
      const second = await store.listStreams({ allTenants: true, limit: 2, after: first.next });
      expect(second.streams).toEqual([summary('ops-a', 'order', 's1', 3), summary('ops-b', 'account', 's1', 1)]);
      const last = await store.listStreams({ allTenants: true, limit: 2, after: second.next });
      expect(last).toEqual({ streams: [], next: undefined });

      await a.deleteStream({ category: 'account', id: 's1' });
      expect((await a.listStreams({ category: 'account' })).streams).toEqual([summary('ops-a', 'account', 's2', 1)]);
    });

    it('refuses a malformed listing before reading', async () => {
      const store = ctx.store();
      await expect(store.listStreams({ limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.listStreams({ category: '1 no' })).rejects.toBeInstanceOf(InvalidStreamError);
      await expect(
        store.listStreams({ after: { tenant: 'bad tenant', category: 'account', id: 'x' } }),
      ).rejects.toBeInstanceOf(InvalidStreamError);
    });

    it('browses: categories with stream counts up to a cap, streams by id prefix with their last write time, an event by its id', async () => {
      const store = ctx.store();
      const [a, b] = [store.forTenant('browse-a'), store.forTenant('browse-b')];
      const appendTo = async (tenantStore: typeof a, category: string, id: string, count = 1) =>
        tenantStore.append(
          { category, id },
          Array.from({ length: count }, (_, i) => Deposited.create({ amount: i + 1 })),
          { expectedVersion: 'any' },
        );
      for (const id of ['acc-2', 'acc-10', 'bcc-1', 'acc-1']) await appendTo(a, 'account', id);
      await appendTo(a, 'order', 'o-1');
      await appendTo(b, 'account', 'acc-1');
      const last = await appendTo(a, 'account', 'acc-10', 2);

      const all = await store.listCategories({ allTenants: true });
      expect(all).toEqual({
        categories: [
          { tenant: 'browse-a', category: 'account', streams: 4 },
          { tenant: 'browse-a', category: 'order', streams: 1 },
          { tenant: 'browse-b', category: 'account', streams: 1 },
        ],
        next: undefined,
      });
      expect((await a.listCategories({ countUpTo: 2 })).categories).toEqual([
        { tenant: 'browse-a', category: 'account', streams: 2 },
        { tenant: 'browse-a', category: 'order', streams: 1 },
      ]);
      const page = await store.listCategories({ allTenants: true, limit: 2 });
      expect(page.next).toEqual({ tenant: 'browse-a', category: 'order' });
      expect((await store.listCategories({ allTenants: true, after: page.next })).categories).toEqual([
        { tenant: 'browse-b', category: 'account', streams: 1 },
      ]);

      const byPrefix = await a.listStreams({ category: 'account', idPrefix: 'acc-1' });
      expect(byPrefix.streams.map((summary) => [summary.stream.id, summary.version])).toEqual([
        ['acc-1', 1],
        ['acc-10', 3],
      ]);
      expect(byPrefix.streams[1]?.updatedAt).toEqual(last.events[1]?.recordedAt);
      const first = await a.listStreams({ category: 'account', idPrefix: 'acc-', limit: 2 });
      expect(first.streams.map((summary) => summary.stream.id)).toEqual(['acc-1', 'acc-10']);
      const rest = await a.listStreams({ category: 'account', idPrefix: 'acc-', limit: 2, after: first.next });
      expect(rest.streams.map((summary) => summary.stream.id)).toEqual(['acc-2']);
      expect((await a.listStreams({ idPrefix: 'zz' })).streams).toEqual([]);

      const wanted = last.events[0] as RecordedEvent;
      expect(await a.readEvent(wanted.id)).toEqual(wanted);
      expect(await a.readEvent(wanted.id.toUpperCase())).toEqual(wanted);
      expect(await b.readEvent(wanted.id)).toBeUndefined();
      expect(await b.readEvent(wanted.id, { allTenants: true })).toEqual(wanted);
      expect(await a.readEvent(uuidv7())).toBeUndefined();
      await expect(a.readEvent('not-a-uuid')).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(a.listStreams({ idPrefix: '\ud800' })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(a.listCategories({ countUpTo: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it('lists pending and dead outbox rows with attempts, last error and next attempt time, a page at a time', async () => {
      const store = ctx.store({ outbox: true });
      const streams = [uniqueId(), uniqueId(), uniqueId()].map((id) => ({ category: 'account', id }));
      for (const stream of streams) {
        await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      }
      const failOnce = createOutboxRelay(ctx.store(), {
        maxAttempts: 1,
        batchSize: 1,
        async publish() {
          throw new KitError('broker said no');
        },
      });
      await failOnce.processBatch();

      const [dead, ...moreDead] = await failOnce.list({ status: 'dead' });
      expect(moreDead).toEqual([]);
      expect(dead).toMatchObject({ status: 'dead', attempts: 1, nextAttemptAt: null });
      expect(dead?.lastError).toContain('broker said no');
      expect(dead?.event.stream).toEqual({ tenant: store.tenant, ...streams[0] });
      const pending = await failOnce.list({ status: 'pending', limit: 1 });
      expect(pending.map((row) => [row.event.stream.id, row.status, row.attempts])).toEqual([
        [streams[1]?.id, 'pending', 0],
      ]);
      expect(pending[0]?.nextAttemptAt).toBeInstanceOf(Date);
      const next = await failOnce.list({ status: 'pending', after: pending[0]?.id });
      expect(next.map((row) => row.event.stream.id)).toEqual([streams[2]?.id]);
      expect(
        await createOutboxRelay(ctx.store({ tenant: 'elsewhere' }), { async publish() {} }).list({ status: 'dead' }),
      ).toEqual([]);
      await expect(failOnce.list({ status: 'gone' as 'dead' })).rejects.toBeInstanceOf(InvalidArgumentError);
    });

    it("resets a consumer to an event's global position (it handles the events after it next), or to 0n (from the start)", async () => {
      const events = await appendOneByOne(ctx, 5);
      const consumer = consumerInstances(ctx, { name: uniqueId('reset') });
      const instance = consumer.instance('operator');
      expect(await instance.catchUp()).toBe(5);

      const third = events[2] as RecordedEvent;
      expect(await instance.reset(third.position)).toEqual(logPosition(third));
      expect((await instance.status()).checkpoint).toEqual(logPosition(third));
      consumer.handled.length = 0;
      expect(await instance.catchUp()).toBe(2);
      expect(ids(consumer.handled)).toEqual(events.slice(3).map((event) => event.id));

      expect(await instance.reset(0n)).toEqual(LOG_START);
      consumer.handled.length = 0;
      expect(await instance.catchUp()).toBe(5);
      expect(ids(consumer.handled)).toEqual(events.map((event) => event.id));
    });

    it('refuses to reset a consumer another live instance holds, leaving its checkpoint', async () => {
      await appendOneByOne(ctx, 1);
      const consumer = consumerInstances(ctx, { name: uniqueId('held'), leaseMs: 60_000 });
      const holder = consumer.instance('holder');
      expect((await holder.processBatch()).status).toBe('processed');
      const operator = consumer.instance('operator');
      const before = (await operator.status()).checkpoint;
      expect(before).toBeDefined();
      await expect(operator.reset(0n)).rejects.toBeInstanceOf(ConsumerHeldError);
      expect((await operator.status()).checkpoint).toEqual(before);
      await holder.stop();
    });

    it("stops a rebuild whose progress reporter throws after the batch it reports; catchUp goes on from that batch's checkpoint", async () => {
      await appendOneByOne(ctx, 10);
      const consumer = consumerInstances(ctx, { name: uniqueId('rebuild'), batchSize: 3 });
      const instance = consumer.instance('operator');
      let cleared = 0;
      const progress: { handled: number; total: number }[] = [];
      const rebuilt = instance.rebuild({
        clear: async () => {
          cleared++;
        },
        onProgress: (reported) => {
          progress.push(reported);
          if (reported.handled >= 6) throw new KitError('interrupted');
        },
      });
      await expect(rebuilt).rejects.toBeInstanceOf(KitError);
      expect(cleared).toBe(1);
      expect(progress).toEqual([
        { handled: 3, total: 10 },
        { handled: 6, total: 10 },
      ]);
      expect((await instance.status()).lag).toBe(4);
      expect(await instance.catchUp()).toBe(4);
      const handled = ids(consumer.handled);
      expect(new Set(handled).size).toBe(10);
      expect(handled).toHaveLength(10);
    });

    it('counts pending and dead outbox rows with the time the oldest pending one was written', async () => {
      const relayOf = () =>
        createOutboxRelay(ctx.store({ outbox: true }), {
          maxAttempts: 1,
          async publish() {
            throw new KitError('broker down');
          },
          onError: () => {},
        });
      expect(await relayOf().status()).toEqual({ pending: 0, dead: 0, oldestPendingAt: null });
      const at = (iso: string) => ctx.store({ outbox: true, clock: () => new Date(iso) });
      await at('2024-01-02T03:04:05.006Z').append(
        { category: 'account', id: uniqueId() },
        Deposited.create({ amount: 1 }),
        {
          expectedVersion: 'no_stream',
        },
      );
      await relayOf().processBatch();
      await at('2024-02-01T00:00:00.000Z').append(
        { category: 'account', id: uniqueId() },
        Deposited.create({ amount: 1 }),
        {
          expectedVersion: 'no_stream',
        },
      );
      await at('2024-03-01T00:00:00.000Z').append(
        { category: 'account', id: uniqueId() },
        Deposited.create({ amount: 1 }),
        {
          expectedVersion: 'no_stream',
        },
      );
      expect(await relayOf().status()).toEqual({
        pending: 2,
        dead: 1,
        oldestPendingAt: new Date('2024-02-01T00:00:00.000Z'),
      });
    });
  });
}
