import type { ChildProcess } from 'node:child_process';
import { type ConsumerStatus, createConsumer, DEFAULT_TENANT, type EventStore } from '@es/core';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type SuiteContext, sleep, uniqueId, waitFor } from '../context.js';
import { Deposited, KitError, type PartitionEventDefinition, partitionEvents } from '../fixtures.js';
import {
  cleanReport,
  type HandledPair,
  handledBatchRowIds,
  handledProjection,
  handledReport,
  handledSequences,
  PARTITIONED_CATEGORY,
} from '../partitionedProjection.js';
import type { PartitionProcessOptions } from '../partitionProcess.js';
import { KitProcesses } from '../processes.js';

const PARTITIONS = 8;
const HOUR = 3_600_000;

/** How many live partitions each owner holds, by the status' (database clock) `held`. */
function shares(status: ConsumerStatus): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const partition of status.partitions ?? []) {
    if (partition.held && partition.leaseOwner) counts[partition.leaseOwner] = (counts[partition.leaseOwner] ?? 0) + 1;
  }
  return counts;
}

/** Each partition's live holder (null when free), in partition order. */
const holders = (status: ConsumerStatus) =>
  (status.partitions ?? []).map((partition) => (partition.held ? partition.leaseOwner : null));

const sameShares = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Waits until the owners hold exactly `expected` partitions each; fails naming the last shares seen. */
async function waitForShares(observer: { status(): Promise<ConsumerStatus> }, expected: Record<string, number>) {
  let last: Record<string, number> = {};
  try {
    await waitFor(
      `shares ${JSON.stringify(expected)}`,
      async () => {
        last = shares(await observer.status());
        return sameShares(last, expected);
      },
      180_000,
    );
  } catch (error) {
    throw new KitError(`${(error as Error).message}; last seen ${JSON.stringify(last)}`);
  }
}

/**
 * Appends to streams of `PARTITIONED_CATEGORY`, several events per append and several appends per
 * stream (so a stream's events span batches and hand-overs), keeping what it appended.
 */
class StreamWriter<THandle> {
  readonly pairs: HandledPair[] = [];
  readonly ids: string[] = [];
  private readonly streams: string[];

  constructor(
    private readonly store: EventStore<PartitionEventDefinition, THandle>,
    streams: number,
  ) {
    this.streams = Array.from({ length: streams }, () => uniqueId('part'));
  }

  /** One append of `events` to each of the writer's streams. */
  async round(events: number): Promise<void> {
    for (const id of this.streams) {
      const result = await this.store.append(
        { category: PARTITIONED_CATEGORY, id },
        Array.from({ length: events }, (_, n) => Deposited.create({ amount: n + 1 })),
        { expectedVersion: 'any' },
      );
      for (const event of result.events) {
        this.pairs.push({ stream: id, version: event.version });
        this.ids.push(event.id);
      }
    }
  }
}

/** Resolves once a `partitionProcess` child has started, with the clock it reported. */
function instanceStarted(child: ChildProcess): Promise<{ clock: number }> {
  return new Promise((resolve, reject) => {
    let clock = Number.NaN;
    child.on('message', (message) => {
      if (message === 'started') resolve({ clock });
      else if (typeof message === 'object' && message && 'clock' in message) clock = Number(message.clock);
    });
    child.once('exit', (code, signal) =>
      reject(new KitError(`a partition instance exited (${code ?? signal}) before it started`)),
    );
  });
}

/**
 * The host table holds exactly one row per committed batch (`handled-<partition>` lists them):
 * the host's own write committed with each batch, and with no batch that rolled back.
 */
async function expectHostRows<H>(ctx: SuiteContext<H>, store: EventStore<PartitionEventDefinition, H>) {
  const batches = await handledBatchRowIds(store, PARTITIONS);
  const rows = await ctx.target.hostRowIds();
  const present = new Set(rows);
  expect({ rows: rows.length, missing: batches.filter((id) => !present.has(id)).length }).toEqual({
    rows: batches.length,
    missing: 0,
  });
}

export function partitionsSuite<THandle>(ctx: SuiteContext<THandle>): void {
  describe('partitioned consumers', () => {
    /** A store of the partition tests (bank events and `BatchHandled`). */
    const partitionStore = (tenant = DEFAULT_TENANT) => ctx.storeOf(partitionEvents, { tenant });

    it('instances share the partitions evenly, rebalance when one joins or stops, and handle each event once, in stream order', async () => {
      const name = uniqueId('parts');
      const instance = (owner: string) =>
        createConsumer(partitionStore(), {
          name,
          owner,
          partitions: PARTITIONS,
          leaseMs: 600,
          batchSize: 20,
          polling: { minMs: 5, maxMs: 20 },
          ...handledProjection(ctx.target, PARTITIONS),
        });
      const observer = instance('observer');
      const writer = new StreamWriter(partitionStore(), 24);
      const [a, b, c] = [instance('a'), instance('b'), instance('c')];
      try {
        a.start();
        b.start();
        await writer.round(3);
        await waitForShares(observer, { a: 4, b: 4 });
        c.start();
        await writer.round(3);
        await waitForShares(observer, { a: 3, b: 3, c: 2 });
        await writer.round(3);
        await b.stop();
        await writer.round(3);
        await waitForShares(observer, { a: 4, c: 4 });
        await writer.round(3);
        await Promise.all([a.whenCaughtUp({ timeoutMs: 60_000 }), c.whenCaughtUp({ timeoutMs: 60_000 })]);
      } finally {
        await Promise.all([a.stop(), b.stop(), c.stop()]);
      }
      const report = handledReport(await handledSequences(partitionStore(), PARTITIONS), writer.pairs, DEFAULT_TENANT);
      expect(report).toEqual(cleanReport(writer.pairs.length));
      await expectHostRows(ctx, partitionStore());
      const status = await observer.status();
      expect(status.partitions?.map((partition) => partition.partition)).toEqual([...Array(PARTITIONS).keys()]);
      expect(status.partitions?.every((partition) => !partition.held && partition.lag === 0)).toBe(true);
      expect(status.lag).toBe(0);
    }, 120_000);

    it('refuses another number of partitions, or none, for a consumer that stored checkpoints (CONSUMER_PARTITIONS_CHANGED)', async () => {
      const store = ctx.storeOf(partitionEvents);
      await store.append({ category: PARTITIONED_CATEGORY, id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const handle = async () => {};
      const changed = { code: 'CONSUMER_PARTITIONS_CHANGED' };

      const partitioned = uniqueId('fixed');
      expect(await createConsumer(store, { name: partitioned, partitions: 8, handle }).catchUp()).toBe(1);
      await expect(createConsumer(store, { name: partitioned, partitions: 4, handle }).catchUp()).rejects.toMatchObject(
        changed,
      );
      await expect(createConsumer(store, { name: partitioned, handle }).catchUp()).rejects.toMatchObject(changed);

      const plain = uniqueId('plain');
      expect(await createConsumer(store, { name: plain, handle }).catchUp()).toBe(1);
      await expect(createConsumer(store, { name: plain, partitions: 8, handle }).catchUp()).rejects.toMatchObject(
        changed,
      );
      // The refused attempts changed nothing: the same counts still run.
      expect(await createConsumer(store, { name: partitioned, partitions: 8, handle }).catchUp()).toBe(0);
      expect(await createConsumer(store, { name: plain, handle }).catchUp()).toBe(0);
    });

    const { processModule } = ctx.target;
    if (!processModule) return;

    // Killed after each test, even one that timed out, so no instance outlives its test.
    const processes = new KitProcesses();
    afterEach(() => processes.killAll());

    /** Starts an instance process of consumer `name` and waits until it runs. */
    const startInstance = async (
      options: PartitionProcessOptions,
      clockSkewMs?: number,
    ): Promise<{ child: ChildProcess; clock: number }> => {
      const child = processes.spawn('partitionProcess', [processModule, JSON.stringify(options)], { clockSkewMs });
      return { child, ...(await instanceStarted(child)) };
    };

    /** Waits until every partition's checkpoint is past the log's end, polled gently (the children need the CPU). */
    const waitForCaughtUp = (observer: { whenCaughtUp(options: { timeoutMs: number }): Promise<void> }) =>
      waitFor(
        'every partition to catch up',
        async () => {
          await sleep(200);
          return observer.whenCaughtUp({ timeoutMs: 0 }).then(
            () => true,
            () => false,
          );
        },
        300_000,
      );

    it('3 instance processes on 8 partitions, 50,000 events from 4 writers, one killed and a fourth started midway: each event handled once, in stream order, every partition held', async () => {
      const tenant = 'partitioned';
      const name = uniqueId('scaled');
      const options = (owner: string): PartitionProcessOptions => ({
        tenant,
        name,
        owner,
        partitions: PARTITIONS,
        leaseMs: 1000,
        batchSize: 1000,
      });
      const observer = createConsumer(partitionStore(tenant), {
        name,
        partitions: PARTITIONS,
        ...handledProjection(ctx.target, PARTITIONS),
      });
      // 4 writers x 50 streams x 5 rounds x 50 events: 50,000 events.
      const writers = Array.from({ length: 4 }, () => new StreamWriter(partitionStore(tenant), 50));
      const rounds = 5;
      const [, b] = await Promise.all(['a', 'b', 'c'].map((owner) => startInstance(options(owner))));
      await waitForShares(observer, { a: 3, b: 3, c: 2 });
      let roundsDone = 0;
      let midway!: () => void;
      const halfWritten = new Promise<void>((resolve) => {
        midway = resolve;
      });
      const writing = Promise.all(
        writers.map(async (writer) => {
          for (let round = 0; round < rounds; round++) {
            await writer.round(50);
            if (++roundsDone === (writers.length * rounds) / 2) midway();
          }
        }),
      );
      await halfWritten;
      await processes.kill(b!.child);
      await startInstance(options('d'));
      await writing;
      const ids = writers.flatMap((writer) => writer.ids);
      expect(ids).toHaveLength(50_000);
      await waitForCaughtUp(observer);
      await waitForShares(observer, { a: 3, c: 3, d: 2 });
      await processes.killAll();

      const pairs = writers.flatMap((writer) => writer.pairs);
      const report = handledReport(await handledSequences(partitionStore(tenant), PARTITIONS), pairs, tenant);
      expect(report).toEqual(cleanReport(pairs.length));
      await expectHostRows(ctx, partitionStore(tenant));
    }, 600_000);

    it('two instance processes whose clocks are an hour ahead and an hour behind: no lease changes hands while both live, no event handled twice', async () => {
      const tenant = 'skewed';
      const name = uniqueId('skewed');
      // A lease judged by an instance's clock shows here: the instance ahead sees the other's leases
      // as long run out and takes every partition. Short beside the skew, long enough that a loaded
      // machine does not let a live lease lapse.
      const leaseMs = 3000;
      const options = (owner: string): PartitionProcessOptions => ({
        tenant,
        name,
        owner,
        partitions: PARTITIONS,
        leaseMs,
        batchSize: 50,
      });
      const observer = createConsumer(partitionStore(tenant), {
        name,
        partitions: PARTITIONS,
        ...handledProjection(ctx.target, PARTITIONS),
      });
      const writer = new StreamWriter(partitionStore(tenant), 24);
      const [ahead, behind] = await Promise.all([
        startInstance(options('ahead'), HOUR),
        startInstance(options('behind'), -HOUR),
      ]);
      // The skew is in force in each child (to the hour, whatever the start-up took).
      expect([Math.round((ahead.clock - Date.now()) / HOUR), Math.round((behind.clock - Date.now()) / HOUR)]).toEqual([
        1, -1,
      ]);
      await waitForShares(observer, { ahead: 4, behind: 4 });
      const settled = holders(await observer.status());
      // Several lease periods of work, the holders read between appends: nobody takes over.
      const changes: string[] = [];
      const until = Date.now() + 3 * leaseMs;
      while (Date.now() < until) {
        await writer.round(2);
        const now = holders(await observer.status());
        if (JSON.stringify(now) !== JSON.stringify(settled)) changes.push(JSON.stringify(now));
      }
      expect({ settled, changes }).toEqual({ settled, changes: [] });
      await waitForCaughtUp(observer);
      expect(holders(await observer.status())).toEqual(settled);
      await processes.killAll();
      const report = handledReport(await handledSequences(partitionStore(tenant), PARTITIONS), writer.pairs, tenant);
      expect(report).toEqual(cleanReport(writer.pairs.length));
      await expectHostRows(ctx, partitionStore(tenant));
    }, 300_000);
  });
}
