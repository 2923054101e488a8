import {
  CONSUMER_NAME_MAX_LENGTH,
  createConsumer,
  createEventStore,
  createOutboxRelay,
  defineEvent,
  EVENT_TYPE_MAX_LENGTH,
  OWNER_MAX_LENGTH,
  STREAM_LIMITS,
  uuidv7,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { type SuiteContext, uniqueId } from '../context.js';
import { AccountOpened, Deposited, Noted, Tagged, Withdrawn } from '../fixtures.js';

export function appendAndReadSuite<H>(ctx: SuiteContext<H>): void {
  describe('append and read', () => {
    it('appends events and reads them back in version order with all their fields', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const openedAt = new Date('2024-05-01T10:11:12.345Z');
      const result = await store.append(
        stream,
        [AccountOpened.create({ owner: 'ada', currency: 'EUR', openedAt }), Deposited.create({ amount: 10 })],
        { expectedVersion: 'no_stream', metadata: { correlationId: 'req-1' } },
      );
      expect(result.nextExpectedVersion).toBe(2);
      const events = await store.readStream(stream);
      expect(events.map((e) => [e.type, e.version])).toEqual([
        ['AccountOpened', 1],
        ['Deposited', 2],
      ]);
      const [opened, deposited] = events;
      expect(opened?.data).toEqual({ owner: 'ada', currency: 'EUR', openedAt });
      expect(deposited?.data).toEqual({ amount: 10 });
      expect(opened?.metadata).toEqual({ correlationId: 'req-1' });
      expect(opened?.stream).toEqual({ tenant: 'default', ...stream });
      expect(opened?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(opened?.id).toBe(result.events[0]?.id);
      expect(opened?.position).toBe(result.events[0]?.position);
      expect(typeof opened?.position).toBe('bigint');
      expect(opened?.recordedAt).toBeInstanceOf(Date);
    });

    it('returns the recorded events of an append with increasing positions', async () => {
      const store = ctx.store();
      const result = await store.append(
        { category: 'account', id: uniqueId() },
        [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 }), Deposited.create({ amount: 3 })],
        { expectedVersion: 'no_stream' },
      );
      const positions = result.events.map((e) => e.position);
      expect(positions).toHaveLength(3);
      expect(positions[0]! < positions[1]! && positions[1]! < positions[2]!).toBe(true);
      expect(result.lastPosition).toBe(positions[2]);
      expect(result.events.map((e) => e.version)).toEqual([1, 2, 3]);
    });

    it('round-trips dates, bigints, sets, maps and nested objects exactly', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const data = {
        tags: new Set(['a', 'b']),
        labels: new Map([['x', 1.5]]),
        nested: { deep: [{ at: new Date('1999-12-31T23:59:59.999Z') }] },
      };
      await store.append(stream, Tagged.create(data), { expectedVersion: 'any' });
      await store.append(stream, Deposited.create({ amount: 0.1, cents: 12345678901234567890n }), {
        expectedVersion: 1,
      });
      const [tagged, deposited] = await store.readStream(stream);
      expect(tagged?.data).toEqual(data);
      expect(deposited?.data).toEqual({ amount: 0.1, cents: 12345678901234567890n });
    });

    it('keeps user objects that look like serializer tags as plain data', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const note = JSON.stringify({ $es: 'date', v: 'x' });
      await store.append(stream, Deposited.create({ amount: 1, note }), { expectedVersion: 'any' });
      const [event] = await store.readStream(stream);
      expect(event?.data).toEqual({ amount: 1, note });
    });

    it('keeps a payload that is a string as that string, even one that reads as JSON', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const notes = ['plain text', '{"looks":"like json"}', '42', 'null', '"quoted"'];
      const { events: appended } = await store.append(
        stream,
        notes.map((note) => Noted.create(note)),
        { expectedVersion: 'no_stream' },
      );
      expect((await store.readStream(stream)).map((event) => event.data)).toEqual(notes);
      const after = { transactionId: appended[0]?.transactionId ?? 0n, position: (appended[0]?.position ?? 1n) - 1n };
      const { events } = await store.readAll({ after, limit: notes.length, categories: ['account'] });
      expect(events.filter((event) => event.stream.id === stream.id).map((event) => event.data)).toEqual(notes);
    });

    it('reads backwards, between versions and with a limit', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const amounts = [1, 2, 3, 4, 5, 6];
      await store.append(
        stream,
        amounts.map((amount) => Deposited.create({ amount })),
        { expectedVersion: 'no_stream' },
      );
      const backwards = await store.readStream(stream, { direction: 'backwards' });
      expect(backwards.map((e) => e.version)).toEqual([6, 5, 4, 3, 2, 1]);
      const middle = await store.readStream(stream, { fromVersion: 2, toVersion: 4 });
      expect(middle.map((e) => e.version)).toEqual([2, 3, 4]);
      const limited = await store.readStream(stream, { fromVersion: 3, limit: 2 });
      expect(limited.map((e) => e.version)).toEqual([3, 4]);
      const lastTwo = await store.readStream(stream, { direction: 'backwards', limit: 2 });
      expect(lastTwo.map((e) => e.version)).toEqual([6, 5]);
    });

    it('reads an unknown stream as empty at version 0', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      expect(await store.readStream(stream)).toEqual([]);
      expect(await store.streamVersion(stream)).toBe(0);
    });

    it('reports the stream version after appends', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      await store.append(stream, [Withdrawn.create({ amount: 1 }), Deposited.create({ amount: 2 })], {
        expectedVersion: 1,
      });
      expect(await store.streamVersion(stream)).toBe(3);
    });

    it('keeps streams of different categories with the same id apart', async () => {
      const store = ctx.store();
      const id = uniqueId();
      await store.append({ category: 'account', id }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      await store.append({ category: 'ledger', id }, Deposited.create({ amount: 2 }), { expectedVersion: 'no_stream' });
      expect((await store.readStream({ category: 'account', id })).map((e) => e.data)).toEqual([{ amount: 1 }]);
      expect((await store.readStream({ category: 'ledger', id })).map((e) => e.data)).toEqual([{ amount: 2 }]);
    });

    it('keeps names that differ only in letter case or accents apart (tenant, category, stream id)', async () => {
      const base = uniqueId();
      const names = [
        { tenant: 'default', category: 'account', id: `${base}-a` },
        { tenant: 'default', category: 'account', id: `${base}-A` },
        { tenant: 'default', category: 'account', id: `${base}-\u00e1` },
        { tenant: 'default', category: 'Account', id: `${base}-a` },
        { tenant: `T-${base}`, category: 'account', id: `${base}-a` },
        { tenant: `t-${base}`, category: 'account', id: `${base}-a` },
      ];
      for (const [index, { tenant, ...stream }] of names.entries()) {
        const store = ctx.store().forTenant(tenant);
        await store.append(stream, Deposited.create({ amount: index + 1 }), { expectedVersion: 'no_stream' });
        await store.saveSnapshot(stream, { version: 1, state: { index } });
      }
      for (const [index, { tenant, ...stream }] of names.entries()) {
        const store = ctx.store().forTenant(tenant);
        const events = await store.readStream(stream);
        expect(events.map((event) => [event.stream, event.data])).toEqual([
          [{ tenant, ...stream }, { amount: index + 1 }],
        ]);
        expect((await store.loadSnapshot(stream))?.state).toEqual({ index });
      }
    });

    it('stores names at their longest in every table: tenant, category, stream id, event type, consumer and owners', async () => {
      const LongNamed = defineEvent(`L${'n'.repeat(EVENT_TYPE_MAX_LENGTH - 1)}`, z.object({ n: z.number() }));
      const tenant = `T${'t'.repeat(STREAM_LIMITS.tenant - 1)}`;
      const stream = { category: `c${'a'.repeat(STREAM_LIMITS.category - 1)}`, id: 'é'.repeat(STREAM_LIMITS.id) };
      const store = createEventStore({ backend: ctx.backend(), events: [LongNamed], tenant, outbox: true });
      await store.append(stream, LongNamed.create({ n: 1 }), { expectedVersion: 'no_stream' });
      await store.saveSnapshot(stream, { version: 1, state: { n: 1 } });

      const [read] = await store.readStream(stream);
      expect([read?.stream, read?.type]).toEqual([{ tenant, ...stream }, LongNamed.type]);
      expect((await store.loadSnapshot(stream))?.state).toEqual({ n: 1 });
      const consumed: string[] = [];
      const consumer = createConsumer(store, {
        name: `C${'c'.repeat(CONSUMER_NAME_MAX_LENGTH - 1)}`,
        owner: 'o'.repeat(OWNER_MAX_LENGTH),
        async handle(events) {
          consumed.push(...events.map((event) => event.stream.id));
        },
      });
      expect(await consumer.catchUp()).toBe(1);
      const published: string[] = [];
      const relay = createOutboxRelay(store, {
        owner: 'r'.repeat(OWNER_MAX_LENGTH),
        async publish(event) {
          published.push(event.type);
        },
      });
      expect(await relay.drain()).toBe(1);
      expect([consumed, published]).toEqual([[stream.id], [LongNamed.type]]);
    });

    it('merges append metadata under each event metadata', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await store.append(
        stream,
        [Deposited.create({ amount: 1 }, { metadata: { causationId: 'cmd-9', userId: 'u1' } })],
        { expectedVersion: 'any', metadata: { correlationId: 'corr-1', userId: 'system' } },
      );
      const [event] = await store.readStream(stream);
      expect(event?.metadata).toEqual({ correlationId: 'corr-1', causationId: 'cmd-9', userId: 'u1' });
    });

    it('stores a caller-chosen event id', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const id = uuidv7();
      await store.append(stream, Deposited.create({ amount: 1 }, { id }), { expectedVersion: 'any' });
      const [event] = await store.readStream(stream);
      expect(event?.id).toBe(id);
    });

    it('deletes a stream with its snapshot, and the id can start over', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 })], {
        expectedVersion: 'no_stream',
      });
      await store.saveSnapshot(stream, { version: 2, state: { balance: 3 } });
      expect(await store.deleteStream(stream)).toBe(true);
      expect(await store.readStream(stream)).toEqual([]);
      expect(await store.streamVersion(stream)).toBe(0);
      expect(await store.loadSnapshot(stream)).toBeUndefined();
      expect(await store.deleteStream(stream)).toBe(false);
      const again = await store.append(stream, Deposited.create({ amount: 5 }), { expectedVersion: 'no_stream' });
      expect(again.nextExpectedVersion).toBe(1);
    });
  });
}
