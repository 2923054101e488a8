// Partitioned consumers over core's SQL on the three dialects: the checkpoint-row listing and
// deletion they balance with, and two instances sharing a consumer's partitions in one process.
// (The conformance kit's partitions suite runs the full scenarios on every row.)
import { createConsumer, createEventStore, defineEvent } from '@es/core';
import type { SqlDialectName } from '@es/core/sql';
import { z } from 'zod';
import { drizzleTarget } from './support/index.ts';

const Pinged = defineEvent('Pinged', z.object({ n: z.number() }));

describe.each<SqlDialectName>(['postgres', 'mysql', 'sqlite'])('partitioned consumers on drizzle/%s', (dialect) => {
  const target = drizzleTarget(dialect);
  let backend: ReturnType<typeof target.backendInstance>;

  beforeAll(async () => {
    await target.setup();
    backend = target.backendInstance();
  }, 60_000);
  beforeEach(() => target.reset());
  afterAll(() => target.teardown());

  it('lists rows by a literal name prefix with lease liveness by the database clock, deletes by holder or expiry', async () => {
    const key = (name: string) => ({ tenant: 't', name });
    await backend.transaction(async (session) => {
      await session.claimConsumer(key('a_b#0/2'), 'me', 60_000);
      await session.claimConsumer(key('a_b#member/1'), 'gone', 1);
      await session.claimConsumer(key('aXb#0/2'), 'me', 60_000);
      await session.claimConsumer(key('a%b#0/2'), 'me', 60_000);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rows = await backend.read((session) => session.listConsumers('t', 'a_b#'));
    expect(rows.map((row) => [row.name, row.leaseOwner, row.leaseLive])).toEqual([
      ['a_b#0/2', 'me', true],
      ['a_b#member/1', 'gone', false],
    ]);
    expect(await backend.read((session) => session.listConsumers('other', 'a_b#'))).toEqual([]);
    await backend.transaction(async (session) => {
      expect(await session.deleteConsumer(key('a_b#0/2'))).toBe(false); // live
      expect(await session.deleteConsumer(key('a_b#0/2'), 'someone')).toBe(false);
      expect(await session.deleteConsumer(key('a_b#member/1'))).toBe(true); // expired
      expect(await session.deleteConsumer(key('a_b#0/2'), 'me')).toBe(true);
    });
    expect(await backend.read((session) => session.listConsumers('t', 'a'))).toHaveLength(2);
  });

  it('two instances share 8 partitions 4/4 and handle every event once, in stream order', async () => {
    const store = createEventStore({ backend, events: [Pinged] });
    for (let s = 0; s < 24; s++) {
      await store.append({ category: 'ping', id: `p-${s}` }, [Pinged.create({ n: 1 }), Pinged.create({ n: 2 })], {
        expectedVersion: 'no_stream',
      });
    }
    const handled: string[] = [];
    const instances = ['a', 'b'].map((owner) =>
      createConsumer(store, {
        name: 'smoke',
        partitions: 8,
        owner,
        leaseMs: 1_500,
        polling: { minMs: 5, maxMs: 50 },
        async handle(events, context) {
          for (const event of events) {
            await target.writeHostRow(context.transaction, event.id);
            handled.push(`${event.stream.id}@${event.version}`);
          }
        },
      }),
    );
    try {
      for (const instance of instances) instance.start();
      const deadline = Date.now() + 20_000;
      while (instances.map((instance) => instance.heldPartitions.length).join() !== '4,4') {
        if (Date.now() > deadline) throw new Error('never shared 4/4');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await instances[0]?.whenCaughtUp({ timeoutMs: 20_000 });
      // The status shows it once each partition's lease is renewed: a pause of the process as long
      // as a lease (a loaded CI machine) lets every lease and membership run out for a moment.
      const seen = async () => {
        const status = await instances[0]?.status();
        const holders = (status?.partitions ?? []).map((partition) => (partition.held ? partition.leaseOwner : '-'));
        return `${holders.sort().join('')} ${status?.instances?.map((instance) => instance.owner).join()}`;
      };
      const shown = Date.now() + 20_000;
      for (let last = await seen(); last !== 'aaaabbbb a,b'; last = await seen()) {
        if (Date.now() > shown) throw new Error(`the status never showed a 4/4 share, last: ${last}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
    }
    expect((await target.hostRowIds()).length).toBe(48);
    expect(new Set(handled).size).toBe(48);
    for (let s = 0; s < 24; s++) {
      expect(handled.indexOf(`p-${s}@1`)).toBeLessThan(handled.indexOf(`p-${s}@2`));
    }
  }, 60_000);
});
