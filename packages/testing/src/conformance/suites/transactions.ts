import { ConcurrencyError, DuplicateEventIdError, TransactionNotOpenError } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { Deposited, KitError } from '../fixtures.js';

class Boom extends KitError {}

export function transactionsSuite<H>(ctx: SuiteContext<H>): void {
  describe('transactions', () => {
    it("commits the host's row and the events together", async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await ctx.target.hostTransaction(async (handle) => {
        await ctx.target.writeHostRow(handle, stream.id);
        await store.withTransaction(handle).append(stream, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
      });
      expect(await ctx.target.hostRowIds()).toEqual([stream.id]);
      expect(await store.streamVersion(stream)).toBe(1);
      expect((await ctx.target.countRows()).events).toBe(1);
    });

    it("rolls back the host's row and the events together when the host throws", async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await expect(
        ctx.target.hostTransaction(async (handle) => {
          await ctx.target.writeHostRow(handle, stream.id);
          const joined = store.withTransaction(handle);
          await joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
          await joined.saveSnapshot(stream, { version: 1, state: {} });
          throw new Boom('host failed after the append');
        }),
      ).rejects.toBeInstanceOf(Boom);
      expect(await ctx.target.hostRowIds()).toEqual([]);
      expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
    });

    it('sees its own appends inside the host transaction before commit', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await ctx.target.hostTransaction(async (handle) => {
        const joined = store.withTransaction(handle);
        await joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        await joined.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
        expect(await joined.streamVersion(stream)).toBe(2);
        expect(await joined.readStream(stream)).toHaveLength(2);
      });
    });

    it('a failed append inside the host transaction leaves the host transaction usable', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      await ctx.target.hostTransaction(async (handle) => {
        const joined = store.withTransaction(handle);
        await expect(
          joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' }),
        ).rejects.toThrow();
        await ctx.target.writeHostRow(handle, stream.id);
        await joined.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
      });
      expect(await ctx.target.hostRowIds()).toEqual([stream.id]);
      expect(await store.streamVersion(stream)).toBe(2);
    });

    it("an inline projection appends through another store joined to the host's transaction: it runs at once inside the append, and a rollback takes both", async () => {
      const plain = ctx.store();
      const audit = { category: 'audit', id: uniqueId() };
      // The projection's append joins the same transaction while the outer append holds its turn:
      // it must run inside it, neither wait for that turn (a deadlock) nor interleave with it.
      const projected = ctx.store({
        projections: [
          {
            name: 'audit',
            async handle(events, { transaction }) {
              for (const _ of events) {
                await plain.withTransaction(transaction).append(audit, Deposited.create({ amount: 3 }), {
                  expectedVersion: 'any',
                });
              }
            },
          },
        ],
      });
      const stream = { category: 'account', id: uniqueId() };
      const appendBoth = (handle: H) =>
        Promise.all([
          projected.withTransaction(handle).append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'any' }),
          plain.withTransaction(handle).append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 'any' }),
        ]);
      await expect(
        ctx.target.hostTransaction(async (handle) => {
          await appendBoth(handle);
          throw new Boom('the host gives up');
        }),
      ).rejects.toBeInstanceOf(Boom);
      expect(await plain.streamVersion(audit)).toBe(0);
      expect(await plain.streamVersion(stream)).toBe(0);
      await ctx.target.hostTransaction(async (handle) => {
        await appendBoth(handle);
      });
      expect(await plain.streamVersion(audit)).toBe(1);
      const data = (await plain.readStream(stream)).map((event) => event.data);
      expect(data).toHaveLength(2);
      expect(data).toEqual(expect.arrayContaining([{ amount: 1 }, { amount: 2 }]));
    });

    it('inside the host transaction, a failed check, a taken event id and a throwing projection each write nothing and leave it usable', async () => {
      const stream = { category: 'account', id: uniqueId() };
      const first = await ctx.store().append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      const projected = ctx.store({
        projections: [
          {
            name: 'refusing',
            async handle(events, context) {
              for (const event of events) await ctx.target.writeHostRow(context.transaction, event.id);
              throw new Boom('projection refused');
            },
          },
        ],
      });
      await ctx.target.hostTransaction(async (handle) => {
        const joined = ctx.store().withTransaction(handle);
        await expect(
          joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 7 }),
        ).rejects.toBeInstanceOf(ConcurrencyError);
        const taken = { ...Deposited.create({ amount: 1 }), id: first.events[0]!.id };
        await expect(joined.append(stream, taken, { expectedVersion: 1 })).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        await expect(
          projected.withTransaction(handle).append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 1 }),
        ).rejects.toThrow('projection refused');
        await ctx.target.writeHostRow(handle, stream.id);
        await joined.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
      });
      expect(await ctx.target.hostRowIds()).toEqual([stream.id]);
      expect((await ctx.store().readStream(stream)).map((event) => event.data)).toEqual([{ amount: 1 }, { amount: 2 }]);
    });

    it('refuses a handle whose transaction has committed or rolled back, and writes nothing through it', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      let committed: H | undefined;
      await ctx.target.hostTransaction(async (handle) => {
        committed = handle;
      });
      let rolledBack: H | undefined;
      await expect(
        ctx.target.hostTransaction(async (handle) => {
          rolledBack = handle;
          throw new Boom('host rolled back');
        }),
      ).rejects.toBeInstanceOf(Boom);
      for (const ended of [committed, rolledBack]) {
        const joined = store.withTransaction(ended as H);
        await expect(
          joined.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' }),
        ).rejects.toBeInstanceOf(TransactionNotOpenError);
        await expect(joined.saveSnapshot(stream, { version: 1, state: {} })).rejects.toBeInstanceOf(
          TransactionNotOpenError,
        );
        await expect(joined.readStream(stream)).rejects.toBeInstanceOf(TransactionNotOpenError);
      }
      expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
    });

    it('store.transaction commits every operation together or none', async () => {
      const store = ctx.store();
      const a = { category: 'account', id: uniqueId() };
      const b = { category: 'account', id: uniqueId() };
      await expect(
        store.transaction(async (tx) => {
          await tx.append(a, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
          await tx.append(b, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
          throw new Boom();
        }),
      ).rejects.toBeInstanceOf(Boom);
      expect(await ctx.target.countRows()).toEqual({ events: 0, streams: 0, snapshots: 0, outbox: 0, tags: 0 });
      await store.transaction(async (tx) => {
        await tx.append(a, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        await tx.append(b, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      });
      expect((await ctx.target.countRows()).events).toBe(2);
    });
  });
}
