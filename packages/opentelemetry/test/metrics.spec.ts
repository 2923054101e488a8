import { createConsumer, createEventStore, createOutboxRelay, defineEvent } from '@es/core';
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import pg from 'pg';
import { z } from 'zod';
import { METRIC, openTelemetry } from '../src/index.js';
import { databases, type OpenedDatabase, postgresUrl } from './support/databases.ts';
import { TestMetrics } from './support/sdk.ts';

const Deposited = defineEvent('Deposited', z.object({ amount: z.number() }));

// Each test's instruments are its own.
let sdk: TestMetrics;
beforeEach(() => {
  sdk = new TestMetrics();
});
afterEach(() => sdk.shutdown());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Work held open until the test lets it go. */
function holdPoint() {
  let reach = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const hold = async () => {
    reach();
    await released;
  };
  return { reached, hold, release: () => release() };
}

/** The value of each point, keyed by the attributes picked by `key`. */
function byAttribute(points: DataPoint<unknown>[], key: string): Record<string, unknown> {
  return Object.fromEntries(points.map((point) => [String(point.attributes[key]), point.value]));
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    if (tries > 1_000) throw new Error('condition never met');
    await sleep(10);
  }
}

describe.each(databases)('on %s', (name, open) => {
  let database: OpenedDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());
  const dbSystemName = name === 'PostgreSQL' ? 'postgresql' : 'sqlite';

  const storeWith = (options: { clock?: () => Date } = {}) => {
    const telemetry = openTelemetry({ meterProvider: sdk.meterProvider });
    return createEventStore({ backend: database.backend, events: [Deposited], outbox: true, telemetry, ...options });
  };

  test('appends: their latency by outcome and the events appended, by category', async () => {
    const store = storeWith();
    const deposits = (count: number) => Array.from({ length: count }, (_, i) => Deposited.create({ amount: i }));
    await store.append({ category: 'account', id: 'a' }, deposits(1), { expectedVersion: 'no_stream' });
    await store.append({ category: 'account', id: 'a' }, deposits(2), { expectedVersion: 1 });
    await store.append({ category: 'account', id: 'b' }, deposits(3), { expectedVersion: 'no_stream' });
    await store.append({ category: 'ledger', id: 'l' }, deposits(1), { expectedVersion: 'no_stream' });
    await expect(store.append({ category: 'account', id: 'a' }, deposits(1), { expectedVersion: 1 })).rejects.toThrow();

    const appended = await sdk.points(METRIC.eventsAppended);
    expect(byAttribute(appended, 'es.stream.category')).toEqual({ account: 6, ledger: 1 });
    const durations = await sdk.points(METRIC.appendDuration);
    const counts = Object.fromEntries(
      durations.map((point) => [
        `${point.attributes['es.stream.category']}/${point.attributes['es.append.outcome']}`,
        (point.value as Histogram).count,
      ]),
    );
    expect(counts).toEqual({ 'account/appended': 3, 'ledger/appended': 1, 'account/conflict': 1 });
    const conflict = durations.find((point) => point.attributes['es.append.outcome'] === 'conflict');
    expect(conflict?.attributes['error.type']).toBe('CONCURRENCY');
    expect((await sdk.metric(METRIC.appendDuration))?.descriptor.unit).toBe('s');
  });

  test("a running consumer's lag in events and in time", async () => {
    // Events recorded a minute ago by the store's clock: the consumer is at least that far behind.
    const store = storeWith({ clock: () => new Date(Date.now() - 60_000) });
    for (let i = 0; i < 5; i++) {
      await store.append({ category: 'account', id: `s-${i}` }, Deposited.create({ amount: i }), {
        expectedVersion: 'no_stream',
      });
    }
    const instance = (owner: string) =>
      createConsumer(store, { name: 'projection', owner, batchSize: 2, handle: async () => {} });
    // One instance handles a batch and keeps the lease; the one observed runs beside it, waiting.
    const holder = instance('holder');
    expect(await holder.processBatch()).toMatchObject({ status: 'processed', count: 2 });
    const observed = instance('observed');
    observed.start();
    try {
      const lag = await sdk.points(METRIC.consumerLag);
      expect(lag.map((point) => point.attributes)).toEqual([
        { 'db.system.name': dbSystemName, 'es.consumer.name': 'projection', 'es.tenant': 'default' },
      ]);
      expect(lag.map((point) => point.value)).toEqual([3]);
      const [timeLag] = await sdk.points(METRIC.consumerTimeLag);
      expect(timeLag?.value).toBeGreaterThanOrEqual(60);
      expect(await holder.catchUp()).toBe(3); // then gives the lease up
      expect((await sdk.points(METRIC.consumerLag)).map((point) => point.value)).toEqual([0]);
      expect((await sdk.points(METRIC.consumerTimeLag)).map((point) => point.value)).toEqual([0]);
    } finally {
      await observed.stop();
    }
  });

  if (name === 'PostgreSQL') {
    test('the age of the oldest open transaction, which holds the log back', async () => {
      const store = storeWith();
      const consumer = createConsumer(store, { name: 'held-back', handle: async () => {} });
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      consumer.start();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_current_xact_id()'); // a transaction id: it holds every log reader back
        await sleep(50);
        const [age] = await sdk.points(METRIC.oldestTransactionAge);
        expect(age?.attributes).toEqual({ 'db.system.name': 'postgresql' });
        expect(age?.value).toBeGreaterThan(0);
      } finally {
        await client.query('ROLLBACK');
        await client.end();
        await consumer.stop();
      }
    });
  } else {
    test('no oldest-transaction age where the log has no horizon', async () => {
      const store = storeWith();
      const consumer = createConsumer(store, { name: 'plain', handle: async () => {} });
      consumer.start();
      try {
        expect(await sdk.points(METRIC.consumerLag)).toHaveLength(1);
        expect(await sdk.points(METRIC.oldestTransactionAge)).toEqual([]);
      } finally {
        await consumer.stop();
      }
    });
  }

  test('a lease taken over from an instance whose lease ran out is counted; one given up is not', async () => {
    const store = storeWith();
    const instance = (owner: string) =>
      createConsumer(store, { name: 'projection', owner, leaseMs: 50, handle: async () => {} });
    const crashed = instance('crashed');
    await crashed.processBatch(); // holds the lease, then never renews nor releases it
    await sleep(120);
    const successor = instance('successor');
    expect((await successor.processBatch()).status).toBe('idle');
    await successor.stop(); // gives the lease up
    const next = instance('next');
    expect((await next.processBatch()).status).toBe('idle');
    await next.stop();
    const takeovers = await sdk.points(METRIC.leaseTakeovers);
    expect(takeovers.map((point) => [point.attributes['es.consumer.name'], point.value])).toEqual([['projection', 1]]);
  });

  test('the outbox: pending and dead rows, publish latency and failures', async () => {
    const store = storeWith();
    for (const id of ['a', 'b', 'c']) {
      await store.append({ category: 'account', id }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
    }
    await store.append({ category: 'poison', id: 'p' }, Deposited.create({ amount: 1 }), {
      expectedVersion: 'no_stream',
    });
    const hold = holdPoint();
    const relay = createOutboxRelay(store, {
      maxAttempts: 1,
      onError: () => {},
      async publish(event) {
        await hold.hold();
        if (event.stream.category === 'poison') throw new TypeError('cannot encode');
      },
    });
    relay.start();
    try {
      await hold.reached;
      const pending = async () => (await sdk.points(METRIC.outboxPending)).map((point) => point.value);
      const dead = async () => (await sdk.points(METRIC.outboxDead)).map((point) => point.value);
      expect(await pending()).toEqual([4]);
      expect(await dead()).toEqual([0]);
      hold.release();
      await until(async () => (await relay.status()).pending === 0);
      expect(await pending()).toEqual([0]);
      expect(await dead()).toEqual([1]);
    } finally {
      hold.release();
      await relay.stop();
    }
    const failures = await sdk.points(METRIC.publishFailures);
    expect(
      failures.map((point) => [point.attributes['es.stream.category'], point.attributes['error.type'], point.value]),
    ).toEqual([['poison', 'TypeError', 1]]);
    const durations = await sdk.points(METRIC.publishDuration);
    expect(
      Object.fromEntries(
        durations.map((point) => [
          `${point.attributes['es.stream.category']}/${point.attributes['es.outbox.publish.outcome']}`,
          (point.value as Histogram).count,
        ]),
      ),
    ).toEqual({ 'account/published': 3, 'poison/failed': 1 });
  });
});
