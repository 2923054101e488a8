import { describe, expect, it, jest } from '@jest/globals';
import { z } from 'zod';
import { defineEvent } from '../../events/index.js';
import { createMemoryBackend } from '../../memory/index.js';
import { createEventStore } from '../../store/index.js';
import { NO_TELEMETRY, type ObservedConsumer } from '../../telemetry/telemetry.js';
import { type Consumer, createConsumer } from '../consumer.js';
import type { ConsumerOptions } from '../options.js';
import { partitionOf } from './partitionOf.js';
import { Slots } from './slots.js';

const Pinged = defineEvent('Pinged', z.object({ n: z.number() }));
type Events = typeof Pinged;

/** A memory store whose clock a test can move forward (leases run out). */
function setup() {
  let offsetMs = 0;
  const backend = createMemoryBackend({ clock: () => new Date(Date.now() + offsetMs) });
  const store = createEventStore({ backend, events: [Pinged] });
  const advance = (ms: number) => {
    offsetMs += ms;
  };
  return { store, advance };
}

type Store = ReturnType<typeof setup>['store'];

async function appendStreams(store: Store, streams: number, perStream: number): Promise<void> {
  for (let s = 0; s < streams; s++) {
    for (let v = 0; v < perStream; v++) {
      await store.append({ category: 'ping', id: `p-${s}` }, [Pinged.create({ n: v })], { expectedVersion: 'any' });
    }
  }
}

interface Handled {
  readonly stream: string;
  readonly version: number;
  readonly id: string;
  readonly owner: string;
}

const fast = { leaseMs: 300, polling: { minMs: 5, maxMs: 20 } } as const;

function partitioned(
  store: Store,
  owner: string,
  handled: Handled[],
  extra: Partial<ConsumerOptions<Events, unknown>> = {},
): Consumer<Events, unknown> {
  return createConsumer(store, {
    name: 'shipping',
    partitions: 8,
    owner,
    ...fast,
    onError: () => {},
    async handle(events) {
      for (const event of events)
        handled.push({ stream: event.stream.id, version: event.version, id: event.id, owner });
    },
    ...extra,
  });
}

/** Waits (without asserting any time) until `check` holds. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const shares = (consumers: readonly Consumer<Events, unknown>[]) =>
  consumers.map((consumer) => consumer.heldPartitions.length);

function expectOnceInOrder(handled: readonly Handled[], streams: number, perStream: number): void {
  expect(new Set(handled.map((event) => event.id)).size).toBe(handled.length);
  expect(handled).toHaveLength(streams * perStream);
  const last = new Map<string, number>();
  for (const event of handled) {
    expect(event.version).toBe((last.get(event.stream) ?? 0) + 1);
    last.set(event.stream, event.version);
  }
}

describe('partitionOf', () => {
  it('places streams by a stable hash of tenant, category and id (part of the stored layout)', () => {
    const key = (id: string, tenant = 'default', category = 'order') => ({ tenant, category, id });
    // Values from an independent FNV-1a (Python, checked against FNV-1a('a') = 0xe40c292c).
    expect([partitionOf(key('o-1'), 8), partitionOf(key('o-2'), 8), partitionOf(key('o-3'), 8)]).toEqual([1, 0, 3]);
    expect(partitionOf(key('o-1'), 256)).toBe(73);
    expect(partitionOf(key('o-1', 'acme'), 256)).toBe(176);
    expect(partitionOf(key('é-ü', 'default', 'cart'), 7)).toBe(2);
  });

  it('refuses a partition count outside 2..256', () => {
    for (const count of [1, 257, 2.5, Number.NaN]) {
      expect(() => partitionOf({ tenant: 't', category: 'c', id: 'i' }, count)).toThrow(/partitions must be/);
    }
  });
});

describe('the slots partitions share (concurrency)', () => {
  it('runs at most its size at once, the others in turn', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        slots.run(async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 5 - n));
          order.push(n);
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order.slice(2).sort()).toEqual([2, 3, 4]);
    await expect(slots.run(async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await slots.run(async () => 'free again')).toBe('free again');
  });
});

describe('partitioned consumer options', () => {
  const { store } = setup();
  const make = (options: Partial<ConsumerOptions<Events, unknown>>) => () =>
    createConsumer(store, { name: 'c', handle: async () => {}, ...options });

  it('takes names of at most 170 characters and counts of 2..256, concurrency only with partitions', () => {
    expect(make({ name: `c${'x'.repeat(169)}`, partitions: 2 })).not.toThrow();
    expect(make({ name: `c${'x'.repeat(170)}`, partitions: 2 })).toThrow(/at most 170/);
    for (const partitions of [0, 1, 257, 3.5]) {
      expect(make({ partitions })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(make({ partitions: 4, concurrency: 0 })).toThrow(/concurrency must be/);
    expect(make({ concurrency: 2 })).toThrow(/concurrency needs partitions/);
    expect(make({ partitions: 4 })().partitions).toBe(4);
    expect(make({})().partitions).toBeUndefined();
  });
});

describe('partitioned consumer on the memory backend', () => {
  // Instances balance on their own ticks: give them room on a busy machine.
  jest.setTimeout(30_000);

  it('catches up every event once, each batch from one partition, per-stream order kept', async () => {
    const { store } = setup();
    await appendStreams(store, 20, 5);
    const handled: Handled[] = [];
    const partitionsOfBatches: number[][] = [];
    const consumer = partitioned(store, 'a', handled, {
      batchSize: 7,
      async handle(events) {
        partitionsOfBatches.push([...new Set(events.map((event) => partitionOf(event.stream, 8)))]);
        for (const event of events)
          handled.push({ stream: event.stream.id, version: event.version, id: event.id, owner: 'a' });
      },
    });
    expect(await consumer.catchUp()).toBe(100);
    expectOnceInOrder(handled, 20, 5);
    for (const partitions of partitionsOfBatches) expect(partitions.length).toBeLessThanOrEqual(1);
    const status = await consumer.status();
    expect(status.partitions?.map((partition) => partition.lag)).toEqual(Array(8).fill(0));
    expect(status.partitions?.every((partition) => partition.leaseOwner === null && !partition.held)).toBe(true);
    expect(await consumer.catchUp()).toBe(0);
  });

  it('shares 8 partitions 4/4 between two instances, 3/3/2 with a third, and takes a stopped one over', async () => {
    const { store } = setup();
    await appendStreams(store, 30, 4);
    const handled: Handled[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((owner) => partitioned(store, owner, handled)) as [
      Consumer<Events, unknown>,
      Consumer<Events, unknown>,
      Consumer<Events, unknown>,
    ];
    try {
      a.start();
      b.start();
      await eventually(() => shares([a, b]).join() === '4,4', 'a 4/4 share');
      await appendStreams(store, 30, 1);
      c.start();
      await eventually(() => shares([a, b, c]).join() === '3,3,2', 'a 3/3/2 share');
      // Read until the leases show it: a pause of the process as long as a lease lets them run out
      // for a moment (the status is right to show that).
      await eventually(async () => {
        const status = await a.status();
        const members = status.instances?.map((instance) => instance.owner).join();
        return members === 'a,b,c' && status.partitions?.filter((partition) => partition.held).length === 8;
      }, 'the status showing 8 partitions held by a, b and c');
      await b.stop();
      await eventually(() => shares([a, c]).join() === '4,4', 'the stopped instance taken over');
      await appendStreams(store, 30, 1);
      await a.whenCaughtUp({ timeoutMs: 10_000 });
      const held = [...a.heldPartitions, ...c.heldPartitions].sort((x, y) => x - y);
      expect(held).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
    expectOnceInOrder(handled, 30, 6);
    expect(new Set(handled.map((event) => event.owner)).size).toBe(3);
    expect((await a.status()).instances).toEqual([]);
  });

  it("takes a crashed instance's partitions once their leases run out by the store's clock", async () => {
    const { store, advance } = setup();
    await appendStreams(store, 10, 2);
    const handled: Handled[] = [];
    const crashed = partitioned(store, 'crashed', handled);
    for (let i = 0; i < 8; i++) await crashed.processBatch(); // holds some leases, never releases them
    const held = (await crashed.status()).partitions?.filter((partition) => partition.held).length ?? 0;
    expect(held).toBeGreaterThan(0);
    const survivor = partitioned(store, 'survivor', handled);
    try {
      survivor.start();
      await eventually(() => survivor.heldPartitions.length === 8 - held, 'the free partitions claimed');
      advance(fast.leaseMs);
      await eventually(() => survivor.heldPartitions.length === 8, 'the expired partitions taken over');
      await survivor.whenCaughtUp({ timeoutMs: 10_000 });
    } finally {
      await survivor.stop();
    }
    expectOnceInOrder(handled, 10, 2);
  });

  it('refuses another partition count, or to switch between partitioned and unpartitioned, for a name', async () => {
    const { store } = setup();
    await appendStreams(store, 3, 1);
    await partitioned(store, 'a', [], { partitions: 4 }).catchUp();
    const changed = expect.objectContaining({ code: 'CONSUMER_PARTITIONS_CHANGED', stored: 4, requested: 8 });
    await expect(partitioned(store, 'a', []).catchUp()).rejects.toEqual(changed);
    const errors: unknown[] = [];
    const running = partitioned(store, 'b', [], { onError: (error) => errors.push(error) });
    running.start();
    await eventually(() => errors.length > 0, 'the refusal reported');
    expect(running.heldPartitions).toEqual([]);
    await running.stop();
    expect(errors[0]).toEqual(changed);
    const unpartitioned = createConsumer(store, { name: 'shipping', handle: async () => {} });
    await expect(unpartitioned.catchUp()).rejects.toEqual(
      expect.objectContaining({ code: 'CONSUMER_PARTITIONS_CHANGED', stored: 4, requested: undefined }),
    );
    await createConsumer(store, { name: 'billing', handle: async () => {} }).catchUp();
    await expect(partitioned(store, 'a', [], { name: 'billing' }).catchUp()).rejects.toEqual(
      expect.objectContaining({ code: 'CONSUMER_PARTITIONS_CHANGED', stored: undefined, requested: 8 }),
    );
  });

  it('refuses to catch up while a live instance holds a partition', async () => {
    const { store } = setup();
    await appendStreams(store, 10, 1);
    const holder = partitioned(store, 'holder', []);
    await holder.processBatch();
    await expect(partitioned(store, 'other', []).catchUp()).rejects.toEqual(
      expect.objectContaining({ code: 'CONSUMER_HELD', holder: 'holder' }),
    );
    await holder.stop();
    expect(await partitioned(store, 'other', []).catchUp()).toBeGreaterThan(0);
  });

  it('rebuilds: clears once, moves every partition back, handles everything again', async () => {
    const { store } = setup();
    await appendStreams(store, 12, 3);
    const handled: Handled[] = [];
    const consumer = partitioned(store, 'a', handled);
    await consumer.catchUp();
    let clears = 0;
    const progress: number[] = [];
    const replayed = await consumer.rebuild({
      clear: async () => {
        clears++;
        handled.length = 0;
      },
      onProgress: ({ handled: count, total }) => void progress.push(count, total),
    });
    expect(replayed).toBe(36);
    expect(clears).toBe(1);
    expectOnceInOrder(handled, 12, 3);
    expect(progress.at(-2)).toBe(36);
    const start = await consumer.reset(0n);
    const status = await consumer.status();
    expect(status.checkpoint).toEqual(start);
    expect(status.lag).toBe(36);
    expect(status.partitions?.reduce((sum, partition) => sum + partition.lag, 0)).toBe(36);
  });

  it('keeps the leases of partitions waiting their turn for a slot while the others run long batches', async () => {
    const { store } = setup();
    await appendStreams(store, 40, 6);
    const consumer = partitioned(store, 'a', [], {
      leaseMs: 3_000,
      batchSize: 16,
      concurrency: 1,
      async handle() {
        // Eight partitions taking turns at this pace wait longer than a lease for their next batch;
        // the lease leaves a loaded machine's late timers two seconds of slack per tick.
        await new Promise((resolve) => setTimeout(resolve, 600));
      },
    });
    consumer.start();
    try {
      await eventually(() => consumer.heldPartitions.length === 8, 'every partition held');
      const lapsed = new Set<number>();
      for (let look = 0; look < 12; look++) {
        await new Promise((resolve) => setTimeout(resolve, 750));
        for (const partition of (await consumer.status()).partitions ?? []) {
          if (!partition.held) lapsed.add(partition.partition);
        }
      }
      expect([...lapsed]).toEqual([]);
    } finally {
      await consumer.stop();
    }
  });

  it('is observed by a telemetry once, by its name, with its top-level status only', async () => {
    const observed: ObservedConsumer[] = [];
    const telemetry = {
      instrument: () => ({
        ...NO_TELEMETRY,
        observeConsumer: (consumer: ObservedConsumer) => {
          observed.push(consumer);
          return () => void observed.splice(observed.indexOf(consumer), 1);
        },
      }),
    };
    const store = createEventStore({ backend: createMemoryBackend(), events: [Pinged], telemetry });
    await appendStreams(store, 4, 2);
    const consumer = partitioned(store, 'a', []);
    consumer.start();
    try {
      await consumer.whenCaughtUp({ timeoutMs: 10_000 });
      expect(observed.map((target) => target.key.name)).toEqual(['shipping']);
      const status = await observed[0]?.status();
      expect([status?.lag, status?.partitions]).toEqual([0, undefined]);
    } finally {
      await consumer.stop();
    }
    expect(observed).toEqual([]);
  });

  it('parks a failing event in its partition and lists, retries and skips across partitions', async () => {
    const { store } = setup();
    await appendStreams(store, 6, 2);
    let failing = true;
    const consumer = partitioned(store, 'a', [], {
      onFailure: { action: 'park', retries: 0 },
      async handle(events) {
        if (failing && events.some((event) => event.stream.id === 'p-3' && event.version === 2))
          throw new Error('boom');
      },
    });
    await consumer.catchUp();
    const parked = await consumer.parked.list();
    expect(parked.map((event) => [event.stream.id, event.error])).toEqual([['p-3', 'Error: boom']]);
    expect((await consumer.status()).parked).toHaveLength(1);
    failing = false;
    expect(await consumer.parked.retry()).toBe(1);
    expect(await consumer.parked.list()).toEqual([]);
  });
});
