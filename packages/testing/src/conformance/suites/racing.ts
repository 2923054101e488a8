import { ConcurrencyError, StoreError } from '@es/core';
import type { SqlBackend } from '@es/core/sql';
import { describe, expect, it } from '@jest/globals';
import { holdPoint, type SuiteContext, uniqueId } from '../context.js';
import { Deposited, KitError } from '../fixtures.js';

const WRITERS = 10;

export function racingSuite<H>(ctx: SuiteContext<H>): void {
  describe('racing writers', () => {
    it(`${WRITERS} writers appending at the same expected version: exactly one wins`, async () => {
      const stream = { category: 'account', id: uniqueId() };
      await ctx.store().append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      const stores = Array.from({ length: WRITERS }, () => ctx.store());
      const results = await Promise.allSettled(
        stores.map((store, i) => store.append(stream, Deposited.create({ amount: 100 + i }), { expectedVersion: 1 })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(WRITERS - 1);
      for (const failure of lost) expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
      const events = await ctx.store().readStream(stream);
      expect(events.map((e) => e.version)).toEqual([1, 2]);
    });

    it(`${WRITERS} writers creating the same stream with no_stream: exactly one wins`, async () => {
      const stream = { category: 'account', id: uniqueId() };
      const results = await Promise.allSettled(
        Array.from({ length: WRITERS }, (_, i) =>
          ctx.store().append(stream, [Deposited.create({ amount: i + 1 }), Deposited.create({ amount: 1 })], {
            expectedVersion: 'no_stream',
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
      }
      expect((await ctx.store().readStream(stream)).map((e) => e.version)).toEqual([1, 2]);
    });

    it('8 writers racing with retries: one winner per version, no duplicate or missing version', async () => {
      const stream = { category: 'account', id: uniqueId() };
      const perWriter = 6;
      const written: string[] = [];
      let conflicts = 0;
      const writer = async (w: number) => {
        const store = ctx.store();
        for (let n = 0; n < perWriter; ) {
          const version = await store.streamVersion(stream);
          try {
            const result = await store.append(stream, Deposited.create({ amount: w * 100 + n + 1 }), {
              expectedVersion: version,
            });
            written.push(...result.events.map((e) => e.id));
            n++;
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
            conflicts++;
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      const events = await ctx.store().readStream(stream);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 8 * perWriter }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.id))).toEqual(new Set(written));
      expect(written).toHaveLength(8 * perWriter);
      expect(conflicts).toBeGreaterThanOrEqual(0);
    });

    it('concurrent appends to different streams all succeed with unique positions', async () => {
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) =>
          ctx
            .store()
            .append(
              { category: 'account', id: uniqueId() },
              [Deposited.create({ amount: i + 1 }), Deposited.create({ amount: 1 })],
              { expectedVersion: 'no_stream' },
            ),
        ),
      );
      const positions = results.flatMap((r) => r.events.map((e) => e.position));
      expect(new Set(positions).size).toBe(WRITERS * 2);
    });

    // Where a writer outside a host transaction can commit while that transaction is open.
    if (ctx.target.dialect === 'postgres' || ctx.target.dialect === 'mysql') {
      it("inside a host transaction that has read, a lost race reports the stream's committed version as actual", async () => {
        const store = ctx.store();
        const stream = { category: 'account', id: uniqueId() };
        await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        const error = await ctx.target
          .hostTransaction(async (handle) => {
            const joined = store.withTransaction(handle);
            expect(await joined.streamVersion(stream)).toBe(1); // the transaction's snapshot, on MySQL
            await ctx.store().append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
            await joined.append(stream, Deposited.create({ amount: 3 }), { expectedVersion: 1 });
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect((error as ConcurrencyError).actual).toBe(2);
      });

      it("a lock wait that times out is a retryable StoreError, through the ORM's own error wrapping", async () => {
        const { connection } = ctx.backend() as Partial<SqlBackend<H>>;
        if (!connection) throw new KitError('a SQL target whose backend exposes no connection');
        const stream = { category: 'account', id: uniqueId() };
        await ctx.store().append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        const locked = holdPoint();
        const holder = ctx.target.hostTransaction(async (handle) => {
          await ctx
            .store()
            .withTransaction(handle)
            .append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
          await locked.hold();
        });
        await locked.reached;
        try {
          const mysql = ctx.target.dialect === 'mysql';
          const error = await ctx.target
            .hostTransaction(async (handle) => {
              const executor = connection.join(handle);
              await executor.execute(
                mysql ? 'SET SESSION innodb_lock_wait_timeout = 1' : "SET LOCAL lock_timeout = '200ms'",
              );
              try {
                await ctx
                  .store()
                  .withTransaction(handle)
                  .append(stream, Deposited.create({ amount: 3 }), {
                    expectedVersion: 'any',
                  });
              } finally {
                // MySQL keeps the transaction (and the session's setting) after a lock wait timeout.
                if (mysql) await executor.execute('SET SESSION innodb_lock_wait_timeout = DEFAULT');
              }
            })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(StoreError);
          expect((error as StoreError).retryable).toBe(true);
        } finally {
          locked.release();
          await holder;
        }
        expect(await ctx.store().streamVersion(stream)).toBe(2);
      });
    }
  });
}
