import { ConcurrencyError } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { Deposited } from '../fixtures.js';

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
  });
}
