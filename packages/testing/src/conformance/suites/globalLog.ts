import {
  compareLogPositions,
  createConsumer,
  InvalidArgumentError,
  LOG_START,
  type LogPosition,
  type RecordedEvent,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { whileAnotherDatabaseCommits } from '../busyElsewhere.js';
import { holdPoint, logPosition, type SuiteContext, sleep, uniqueId, waitFor } from '../context.js';
import { AccountOpened, Deposited, Withdrawn } from '../fixtures.js';

export function globalLogSuite<H>(ctx: SuiteContext<H>): void {
  describe('global log', () => {
    it('reads every committed event once, in log order, across streams', async () => {
      const store = ctx.store();
      const a = { category: 'account', id: uniqueId() };
      const b = { category: 'account', id: uniqueId() };
      await store.append(a, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      await store.append(b, Deposited.create({ amount: 2 }), { expectedVersion: 'no_stream' });
      await store.append(a, Withdrawn.create({ amount: 1 }), { expectedVersion: 1 });
      const { events } = await store.readAll();
      expect(events.map((e) => [e.stream.id, e.version])).toEqual([
        [a.id, 1],
        [b.id, 1],
        [a.id, 2],
      ]);
      for (let i = 1; i < events.length; i++) {
        expect(compareLogPositions(logPosition(events[i - 1]!), logPosition(events[i]!))).toBeLessThan(0);
      }
    });

    it('pages with a limit and continues from `next` without gaps or repeats', async () => {
      const store = ctx.store();
      for (let i = 0; i < 7; i++) {
        await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: i + 1 }), {
          expectedVersion: 'no_stream',
        });
      }
      const amounts: number[] = [];
      let after = LOG_START;
      for (let page = 0; page < 10; page++) {
        const result = await store.readAll({ after, limit: 3 });
        amounts.push(...result.events.map((e) => (e.data as { amount: number }).amount));
        if (result.events.length === 0) break;
        after = result.next;
      }
      expect(amounts).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('filters by category and by event type, and `next` moves past filtered-out events', async () => {
      const store = ctx.store();
      const id = uniqueId();
      await store.append({ category: 'account', id }, Deposited.create({ amount: 1 }), { expectedVersion: 'any' });
      await store.append({ category: 'ledger', id }, Withdrawn.create({ amount: 2 }), { expectedVersion: 'any' });
      await store.append({ category: 'account', id }, Withdrawn.create({ amount: 3 }), { expectedVersion: 'any' });
      const ledger = await store.readAll({ categories: ['ledger'] });
      expect(ledger.events.map((e) => e.data)).toEqual([{ amount: 2 }]);
      const withdrawals = await store.readAll({ types: ['Withdrawn'] });
      expect(withdrawals.events.map((e) => e.data)).toEqual([{ amount: 2 }, { amount: 3 }]);
      const last = logPosition((await store.readAll()).events.at(-1)!);
      // On PostgreSQL an empty page's `next` is the horizon, which stays below a transaction of
      // another database that ended while the read placed it (such a one still counts): read
      // again until it has moved past, as a consumer would.
      let none = await store.readAll({ types: ['AccountOpened'] });
      await waitFor(
        '`next` past the filtered-out events',
        async () => {
          if (compareLogPositions(none.next, last) >= 0) return true;
          none = await store.readAll({ types: ['AccountOpened'] });
          return false;
        },
        10_000,
      );
      expect(none.events).toEqual([]);
      expect(compareLogPositions(none.next, last)).toBeGreaterThanOrEqual(0);
      await store.append(
        { category: 'account', id },
        AccountOpened.create({ owner: 'o', currency: 'EUR', openedAt: new Date() }),
        {
          expectedVersion: 'any',
        },
      );
      expect((await store.readAll({ types: ['AccountOpened'], after: none.next })).events).toHaveLength(1);
    });

    it('refuses an empty list of categories or types (neither "all" nor "none" is guessed), in reads and consumers', async () => {
      const store = ctx.store();
      await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      await expect(store.readAll({ categories: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.readAll({ types: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.readAll({ maxWaitMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(() => createConsumer(store, { name: 'empty-types', types: [], handle: async () => {} })).toThrow(
        InvalidArgumentError,
      );
    });

    // The cursor of an empty page may move on without events (PostgreSQL's is the horizon, which
    // any transaction of the database moves), never back and never past an event still to come.
    it('returns nothing past the end, and the cursor from there reads the next event', async () => {
      const store = ctx.store();
      const account = { category: 'account', id: uniqueId() };
      await store.append(account, Deposited.create({ amount: 1 }), { expectedVersion: 'any' });
      const first = await store.readAll();
      const second = await store.readAll({ after: first.next });
      expect(second.events).toEqual([]);
      expect(compareLogPositions(second.next, first.next)).toBeGreaterThanOrEqual(0);
      await store.append(account, Deposited.create({ amount: 2 }), { expectedVersion: 1 });
      const third = await store.readAll({ after: second.next });
      expect(third.events.map((event) => [event.version, event.data])).toEqual([[2, { amount: 2 }]]);
    });

    it('does not skip events written by a slow transaction that began before faster ones', async () => {
      const store = ctx.store();
      const slow = { category: 'account', id: uniqueId('slow') };
      const fast = [uniqueId('fast'), uniqueId('fast')].map((id) => ({ category: 'account', id }));
      const slowOpen = holdPoint();
      const slowTx = store.transaction(async (tx) => {
        await tx.append(slow, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        await slowOpen.hold();
      });
      await slowOpen.reached;
      const fastWrites = Promise.all(
        fast.map((stream) =>
          ctx.store().append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 'no_stream' }),
        ),
      );
      // Where appends can commit while the slow one is open (PostgreSQL), let them commit first.
      if (ctx.backend().capabilities.concurrentAppends) await fastWrites;

      const reader = ctx.store();
      const seen: RecordedEvent[] = [];
      const cursors: LogPosition[] = [];
      let after = LOG_START;
      try {
        for (let i = 0; i < 3; i++) {
          const page = await reader.readAll({ after, maxWaitMs: 20 });
          // Where the fast appends committed, the reader is told they wait behind the slow one.
          if (ctx.backend().capabilities.concurrentAppends) expect(page.heldBack).toBe(true);
          seen.push(...page.events);
          after = page.next;
          cursors.push(after);
          await sleep(10);
        }
      } finally {
        slowOpen.release();
      }
      // While the slow transaction was open nothing at or after its event could be read.
      expect(seen).toEqual([]);
      await slowTx;
      await fastWrites;
      for (let i = 0; i < 3; i++) {
        const page = await reader.readAll({ after });
        seen.push(...page.events);
        after = page.next;
        cursors.push(after);
      }
      expect(seen.map((e) => e.stream.id).sort()).toEqual([slow.id, ...fast.map((s) => s.id)].sort());
      expect(new Set(seen.map((e) => e.id)).size).toBe(3);
      // No cursor handed out while the slow transaction was open was already past an event.
      const heldBackCursors = cursors.slice(0, 3);
      for (const event of seen) {
        for (const cursor of heldBackCursors)
          expect(compareLogPositions(logPosition(event), cursor)).toBeGreaterThan(0);
      }
    });

    it('a reader polling while 4 writers append sees every event exactly once, in log order', async () => {
      const writers = 4;
      const perWriter = 15;
      let done = false;
      const seen: RecordedEvent[] = [];
      const reader = (async () => {
        const store = ctx.store();
        let after = LOG_START;
        for (;;) {
          const finished = done;
          const page = await store.readAll({ after, limit: 7 });
          seen.push(...page.events);
          after = page.next;
          if (finished && page.events.length === 0) return;
          await sleep(1);
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const store = ctx.store();
          const stream = { category: 'account', id: uniqueId(`w${w}`) };
          for (let i = 0; i < perWriter; i++) {
            await store.append(stream, Deposited.create({ amount: i + 1 }), { expectedVersion: i });
          }
        }),
      );
      done = true;
      await reader;
      expect(seen).toHaveLength(writers * perWriter);
      expect(new Set(seen.map((e) => e.id)).size).toBe(writers * perWriter);
      for (let i = 1; i < seen.length; i++) {
        expect(compareLogPositions(logPosition(seen[i - 1]!), logPosition(seen[i]!))).toBeLessThan(0);
      }
    });

    if (ctx.target.dialect === 'postgres') {
      it('an append is in the next read of the log while another database of the server commits all the time', async () => {
        const store = ctx.store();
        const account = { category: 'account', id: uniqueId() };
        const unseen = await whileAnotherDatabaseCommits(async () => {
          const missed: number[] = [];
          let after = (await store.readAll()).next;
          for (let version = 1; version <= 150; version++) {
            await store.append(account, Deposited.create({ amount: version }), { expectedVersion: version - 1 });
            const page = await store.readAll({ after });
            if (!page.events.some((event) => event.version === version)) missed.push(version);
            after = page.next;
          }
          return missed;
        });
        expect(unseen).toEqual([]);
      });
    }
  });
}
