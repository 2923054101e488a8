import { ConsumerHeldError, createConsumer } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { whileAnotherDatabaseCommits } from '../busyElsewhere.js';
import { consumerInstances, holdPoint, type SuiteContext, uniqueId, withInstanceClock } from '../context.js';
import { Deposited } from '../fixtures.js';
import { testDatabases } from '../sqlTarget.js';

const HOUR = 3_600_000;

/** Checkpoints and leases: whose they are (a tenant's) and whose clock judges them (the database's). */
export function consumerLeasesSuite<H>(ctx: SuiteContext<H>): void {
  describe('consumer checkpoints and leases', () => {
    it("keeps a tenant's consumer apart from another tenant's of the same name: own checkpoint, own lease", async () => {
      const name = uniqueId('per-tenant');
      const handled: Record<string, number[]> = { a: [], b: [] };
      for (const tenant of ['a', 'b'] as const) {
        const store = ctx.store().forTenant(tenant);
        for (let i = 1; i <= 3; i++) {
          await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: i }), {
            expectedVersion: 'no_stream',
          });
        }
      }
      const consumer = (tenant: 'a' | 'b') =>
        createConsumer(ctx.store().forTenant(tenant), {
          name,
          owner: `owner-${tenant}`,
          async handle(events) {
            handled[tenant]?.push(...events.map((event) => (event.data as { amount: number }).amount));
          },
        });
      const a = consumer('a');
      const b = consumer('b');
      // a holds its lease while b runs: neither is held by the other.
      expect(await a.processBatch()).toMatchObject({ status: 'processed', count: 3 });
      expect(await b.processBatch()).toMatchObject({ status: 'processed', count: 3 });
      expect(await a.catchUp()).toBe(0);
      expect(await b.catchUp()).toBe(0);
      expect(handled).toEqual({ a: [1, 2, 3], b: [1, 2, 3] });
      expect((await a.status()).checkpoint).toBeDefined();
      expect((await b.status()).leaseOwner).toBeNull();
    });

    it('judges leases by the database clock: instances an hour fast or slow neither take a live lease nor handle an event twice', async () => {
      const consumer = consumerInstances(ctx, { name: uniqueId('skew'), leaseMs: 60_000 });
      const ids: string[] = [];
      const append = async () => {
        const appended = await ctx
          .store()
          .append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
            expectedVersion: 'no_stream',
          });
        ids.push(appended.events[0]!.id);
      };
      await append();
      const honest = consumer.instance('honest');
      expect(await honest.processBatch()).toMatchObject({ status: 'processed', count: 1 });
      await append();
      for (const offset of [HOUR, -HOUR]) {
        const skewed = consumer.instance(`skewed-${offset > 0 ? 'fast' : 'slow'}`);
        const outcome = await withInstanceClock(Date.now() + offset, () => skewed.processBatch());
        expect(outcome).toEqual({ status: 'not-holder', holder: 'honest' });
        await expect(withInstanceClock(Date.now() + offset, () => skewed.catchUp())).rejects.toBeInstanceOf(
          ConsumerHeldError,
        );
      }
      expect(await honest.processBatch()).toMatchObject({ status: 'processed', count: 1 });
      await honest.stop();
      expect(consumer.handled.map(({ event }) => event.id)).toEqual(ids);
    });

    it('an instance whose clock reads the Unix epoch handles each event once and catches up', async () => {
      const name = uniqueId('epoch');
      let calls = 0;
      for (let i = 0; i < 3; i++) {
        await ctx.store().append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
      }
      const consumer = createConsumer(ctx.store(), {
        name,
        batchSize: 2,
        async handle(events) {
          calls += events.length;
        },
      });
      expect(await withInstanceClock(0, () => consumer.catchUp())).toBe(3);
      expect(await withInstanceClock(0, () => consumer.catchUp())).toBe(0);
      expect(calls).toBe(3);
    });

    // Where appends and log reads go on beside a consumer's open batch (not SQLite's single writer
    // or the memory backend's): a batch whose handler is slow holds nobody else back.
    if (ctx.target.dialect === 'postgres' || ctx.target.dialect === 'mysql') {
      it("a slow consumer's open batch holds no other consumer back (PostgreSQL: its claim takes no transaction id)", async () => {
        const handling = holdPoint();
        await ctx.store().append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
          expectedVersion: 'no_stream',
        });
        const slow = createConsumer(ctx.store(), {
          name: uniqueId('slow'),
          handle: () => handling.hold(),
        });
        const slowBatch = slow.processBatch();
        await handling.reached;
        try {
          const other = createConsumer(ctx.store(), { name: uniqueId('other'), start: 'end', handle: async () => {} });
          expect(await other.processBatch()).toMatchObject({ status: 'idle' });
          await ctx.store().append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 2 }), {
            expectedVersion: 'no_stream',
          });
          expect(await other.processBatch()).toMatchObject({ status: 'processed', count: 1 });
        } finally {
          handling.release();
          await slowBatch;
        }
      });
    }

    if (ctx.target.dialect === 'postgres') {
      it('a transaction open in another database of the server holds no consumer here back, and is not named as holding it', async () => {
        const { default: pg } = await import('pg');
        const elsewhere = new pg.Client({ connectionString: testDatabases.postgres('postgres') });
        await elsewhere.connect();
        try {
          await elsewhere.query('BEGIN');
          const { rows } = await elsewhere.query<{ pid: number }>(
            'SELECT pg_backend_pid() AS pid, pg_current_xact_id() AS xid',
          );
          const consumer = createConsumer(ctx.store(), {
            name: uniqueId('beside'),
            start: 'end',
            handle: async () => {},
          });
          expect(await consumer.processBatch()).toMatchObject({ status: 'idle' });
          await ctx.store().append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
            expectedVersion: 'no_stream',
          });
          expect(await consumer.processBatch()).toMatchObject({ status: 'processed', count: 1 });
          expect((await consumer.status()).oldestOpenTransaction?.pid).not.toBe(rows[0]?.pid);
        } finally {
          await elsewhere.query('ROLLBACK');
          await elsewhere.end();
        }
      });

      it("a consumer's batch right after an append handles it while another database of the server commits all the time", async () => {
        const store = ctx.store();
        const account = { category: 'account', id: uniqueId() };
        const consumer = createConsumer(ctx.store(), { name: uniqueId('busy'), start: 'end', handle: async () => {} });
        const missed = await whileAnotherDatabaseCommits(async () => {
          const idle: number[] = [];
          await consumer.processBatch();
          for (let version = 1; version <= 150; version++) {
            await store.append(account, Deposited.create({ amount: version }), { expectedVersion: version - 1 });
            const outcome = await consumer.processBatch();
            if (outcome.status !== 'processed') idle.push(version);
          }
          return idle;
        });
        expect(missed).toEqual([]);
      });
    }
  });
}
