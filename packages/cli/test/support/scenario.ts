import { createConsumer, type RecordedEvent } from '@es/core';
import { afterAll, beforeAll } from '@jest/globals';
import {
  AccountOpened,
  type App,
  Deposited,
  type Dialect,
  openApp,
  PaymentRequested,
  SHIPPING_PARTITIONS,
  shippingConsumer,
} from './app.ts';
import type { Target } from './cli.ts';
import { freshDatabase } from './databases.ts';

/** A fresh database for `dialect` and the application opened over it (closed by `close`). */
export async function openScenario(dialect: Dialect): Promise<{ target: Target; app: App }> {
  const database = await freshDatabase(dialect);
  return { target: { dialect, database }, app: await openApp(dialect, database) };
}

/**
 * A describe block's application on `dialect`, opened and seeded (`seedSmall`) before its tests
 * and closed after them; its fields are set once `beforeAll` has run.
 */
export function seededScenario(dialect: Dialect): { target: Target; app: App; recorded: RecordedEvent[] } {
  const scenario = {} as { target: Target; app: App; recorded: RecordedEvent[] };
  beforeAll(async () => {
    Object.assign(scenario, await openScenario(dialect));
    scenario.recorded = await seedSmall(scenario.app);
  });
  afterAll(() => scenario.app.close());
  return scenario;
}

/** Another instance of `balances` (owner `owner`) holding its lease for a minute; `stop()` gives it up. */
export async function holdLease(app: App, owner: string) {
  const worker = createConsumer(app.store, {
    name: 'balances',
    owner,
    leaseMs: 60_000,
    categories: ['account'],
    async handle() {},
  });
  await worker.processBatch();
  return worker;
}

/**
 * What the command tests look at: two accounts and two payments in the default tenant (the first
 * payment's outbox row dead, the second's pending), an account in tenant `acme`; the `balances`
 * consumer caught up before the last account event.
 */
export async function seedSmall(app: App): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  const append = async (...args: Parameters<App['store']['append']>) =>
    recorded.push(...(await app.store.append(...args)).events);
  await append(
    { category: 'account', id: 'a-1' },
    [
      AccountOpened.create({ owner: 'Ada', openedAt: new Date('2024-05-01T10:00:00.000Z'), tags: new Set(['vip']) }),
      Deposited.create({ amount: 100, cents: 12n }),
    ],
    { expectedVersion: 'no_stream', metadata: { correlationId: 'req-1' } },
  );
  await append({ category: 'payment', id: 'p-1' }, PaymentRequested.create({ amount: 5 }), {
    expectedVersion: 'no_stream',
  });
  await app.relay.processBatch();
  await append({ category: 'payment', id: 'p-2' }, PaymentRequested.create({ amount: 7 }), {
    expectedVersion: 'no_stream',
  });
  recorded.push(
    ...(
      await app.store
        .forTenant('acme')
        .append({ category: 'account', id: 'a-9' }, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' })
    ).events,
  );
  await app.balances.catchUp();
  await append({ category: 'account', id: 'a-2' }, Deposited.create({ amount: 3 }), { expectedVersion: 'no_stream' });
  return recorded;
}

/** `count` deposits, appended 1,000 to an append (one stream each). */
export async function seedDeposits(app: App, count: number): Promise<void> {
  for (let batch = 0; batch * 1_000 < count; batch++) {
    const size = Math.min(1_000, count - batch * 1_000);
    await app.store.append(
      { category: 'account', id: `bulk-${batch}` },
      Array.from({ length: size }, (_, index) => Deposited.create({ amount: index + 1 })),
      { expectedVersion: 'no_stream' },
    );
  }
}

/** Polls `check` until it holds (instances balance on their own ticks), for at most a minute. */
export async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Instances of `shipping` (the partitioned consumer), one per owner, started and waited for until
 * they hold equal shares of its partitions and every partition is caught up; `stop()` stops them.
 */
export async function runShipping(app: App, owners: readonly string[]) {
  const instances = owners.map((owner) => shippingConsumer(app.store, owner));
  for (const instance of instances) instance.start();
  const stop = () => Promise.all(instances.map((instance) => instance.stop()));
  try {
    await until('balanced and caught up', async () => {
      const status = await (instances[0] as (typeof instances)[number]).status();
      const held = new Map<string, number>();
      for (const partition of status.partitions ?? [])
        if (partition.held && partition.leaseOwner)
          held.set(partition.leaseOwner, (held.get(partition.leaseOwner) ?? 0) + 1);
      const share = SHIPPING_PARTITIONS / owners.length;
      return owners.every((owner) => held.get(owner) === share) && status.lag === 0;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
