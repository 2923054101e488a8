import { ConsumerHaltedError, createConsumer, createEventStore, defineEvent, UnknownEventTypeError } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { type SuiteContext, uniqueId } from '../context.js';
import { bankEvents, Deposited, KitError } from '../fixtures.js';

/** An event type a newer version of the application writes, which the kit's stores do not know. */
const Mystery = defineEvent('Mystery', z.object({ clue: z.string() }));

/** A consumer's failure policy: a poison event is retried, then parked or halted at, never a silent stall. */
export function consumerFailuresSuite<H>(ctx: SuiteContext<H>): void {
  describe('consumer failure policy', () => {
    /** Five deposits on five streams; the third is the poison (amount 13). */
    const appendFive = async () => {
      const ids: string[] = [];
      for (const amount of [1, 2, 13, 4, 5]) {
        const { events } = await ctx
          .store()
          .append({ category: 'account', id: uniqueId() }, Deposited.create({ amount }), {
            expectedVersion: 'no_stream',
          });
        ids.push(events[0]!.id);
      }
      return ids;
    };
    /** Projects each event into the host table, in the batch's transaction; refuses amount 13 while `refusing`. */
    const projecting = (state: { refusing: boolean }) =>
      async function handle(
        events: { id: string; type: string; data: unknown }[],
        context: { transaction: H },
      ): Promise<void> {
        for (const event of events) {
          if (state.refusing && (event.data as { amount?: number }).amount === 13) throw new KitError('poison');
          await ctx.target.writeHostRow(context.transaction, event.id);
        }
      };

    it('parks an event that fails every retry, with its error, and goes on past it; an operator retry handles it', async () => {
      const ids = await appendFive();
      const state = { refusing: true };
      const errors: unknown[] = [];
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('parking'),
        batchSize: 10,
        onFailure: { retries: 1, action: 'park' },
        onError: (error) => errors.push(error),
        handle: projecting(state),
      });
      expect(await consumer.catchUp()).toBe(4);
      expect((await ctx.target.hostRowIds()).sort()).toEqual([ids[0], ids[1], ids[3], ids[4]].sort());
      const status = await consumer.status();
      expect(status.lag).toBe(0);
      expect(status.parked).toMatchObject([{ eventId: ids[2], type: 'Deposited', attempts: 2, halted: false }]);
      expect(status.parked[0]?.error).toContain('poison');
      expect(errors).toHaveLength(1);
      state.refusing = false;
      expect(await consumer.parked.retry()).toBe(1);
      expect((await ctx.target.hostRowIds()).sort()).toEqual([...ids].sort());
      expect(await consumer.parked.list()).toEqual([]);
    });

    it('halts at an event that fails every retry: it reports where, holds every event behind it, and goes on once skipped', async () => {
      const ids = await appendFive();
      const name = uniqueId('halting');
      const consumer = createConsumer(ctx.store(), {
        name,
        batchSize: 10,
        onFailure: { retries: 0, action: 'halt' },
        onError: () => {},
        handle: projecting({ refusing: true }),
      });
      const halted = await consumer.catchUp().catch((error: unknown) => error);
      expect(halted).toBeInstanceOf(ConsumerHaltedError);
      expect((await ctx.target.hostRowIds()).sort()).toEqual([ids[0], ids[1]].sort());
      // Another instance of the consumer sees the halt too: it is kept in the database.
      const other = createConsumer(ctx.store(), {
        name,
        onFailure: { action: 'halt' },
        handle: projecting({ refusing: true }),
      });
      expect(await other.processBatch()).toMatchObject({ status: 'halted' });
      const [parked] = (await other.status()).parked;
      expect(parked).toMatchObject({ eventId: ids[2], halted: true });
      expect((await other.status()).lag).toBe(3);
      expect(await other.parked.skip()).toBe(1);
      expect(await other.catchUp()).toBe(2);
      expect((await ctx.target.hostRowIds()).sort()).toEqual([ids[0], ids[1], ids[3], ids[4]].sort());
      expect((await other.status()).parked).toEqual([]);
    });

    it('parks an event whose type the store does not know (written by a newer version), and handles the rest', async () => {
      const newer = createEventStore({ backend: ctx.backend(), events: [...bankEvents, Mystery] });
      const before = await newer.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const mystery = await newer.append({ category: 'case', id: uniqueId() }, Mystery.create({ clue: 'x' }), {
        expectedVersion: 'no_stream',
      });
      const after = await newer.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 2 }), {
        expectedVersion: 'no_stream',
      });
      const consumer = createConsumer(ctx.store(), {
        name: uniqueId('unknown'),
        onFailure: { retries: 0, action: 'park' },
        onError: () => {},
        handle: projecting({ refusing: false }),
      });
      expect(await consumer.catchUp()).toBe(2);
      expect((await ctx.target.hostRowIds()).sort()).toEqual([before.events[0]!.id, after.events[0]!.id].sort());
      const [parked] = await consumer.parked.list();
      expect(parked).toMatchObject({ eventId: mystery.events[0]!.id, type: 'Mystery' });
      expect(parked?.error).toContain('UnknownEventTypeError');
    });

    it('hands an unknown type to a reader that asks for raw events, as stored; other reads refuse it with a typed error', async () => {
      const newer = createEventStore({ backend: ctx.backend(), events: [...bankEvents, Mystery] });
      const stream = { category: 'case', id: uniqueId() };
      await newer.append(stream, [Deposited.create({ amount: 1 }), Mystery.create({ clue: 'x' })], {
        expectedVersion: 'no_stream',
      });
      const store = ctx.store();
      await expect(store.readStream(stream)).rejects.toBeInstanceOf(UnknownEventTypeError);
      await expect(store.readAll()).rejects.toBeInstanceOf(UnknownEventTypeError);
      const read = await store.readStream(stream, { unknownTypes: 'raw' });
      expect(read.map((event) => [event.type, event.data, 'unknownType' in event])).toEqual([
        ['Deposited', { amount: 1 }, false],
        ['Mystery', { clue: 'x' }, true],
      ]);
      const { events } = await store.readAll({ unknownTypes: 'raw' });
      expect(events.map((event) => event.type)).toEqual(['Deposited', 'Mystery']);
    });
  });
}
