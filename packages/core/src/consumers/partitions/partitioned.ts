import type {
  BackendSession,
  ConsumerCheckpoint,
  ConsumerKey,
  LogFilter,
  LogPosition,
  StoredEvent,
} from '../../backend/index.js';
import { compareLogPositions, LOG_START } from '../../backend/index.js';
import type { AnyEventDefinition } from '../../events/defineEvent.js';
import type { EventStore } from '../../store/eventStore.js';
import { ascending } from '../../util/order.js';
import { PollingLoop } from '../../util/pollingLoop.js';
import { ConsumerHeldError, ConsumerPartitionsChangedError, ConsumerTimeoutError } from '../errors.js';
import type { BatchOutcome, ConsumerOptions, ConsumerStatus, ParkedSummary } from '../options.js';
import { CONSUMER_DEFAULTS } from '../options.js';
import { summarizeParked } from '../parked.js';
import { readLogStatus } from '../status.js';
import {
  assertSameCount,
  memberKeyName,
  type PartitionLayout,
  partitionKeyName,
  readLayout,
  rowsPrefix,
  shareOf,
} from './layout.js';
import { partitionIndex } from './partitionOf.js';
import { Slots } from './slots.js';

/** What makes a consumer one partition of a partitioned consumer. */
export interface ConsumerLane {
  /** The partition's checkpoint row (its parked events are kept under it too). */
  readonly keyName: string;
  /** Whether an event of the pages it reads is this partition's. */
  readonly keep: (event: StoredEvent) => boolean;
  /** Runs each of its polling rounds: the partitions an instance holds share its concurrency. */
  readonly throttle: <T>(round: () => Promise<T>) => Promise<T>;
}

/** The part of a consumer a partitioned consumer drives: one per partition, each the usual batch loop. */
export interface Lane {
  readonly key: ConsumerKey;
  readonly parked: ParkedView;
  claimLease(): Promise<ConsumerCheckpoint | undefined>;
  holder(): Promise<string | null>;
  start(): void;
  stop(): Promise<void>;
  wake(): void;
  processBatch(): Promise<BatchOutcome>;
  catchUp(onProgress?: (handled: number) => void | Promise<void>): Promise<number>;
}

/** An operator's view of parked events: the same for one partition and for all of them. */
export interface ParkedView {
  list(limit?: number): Promise<ParkedSummary[]>;
  retry(positions?: readonly bigint[]): Promise<number>;
  skip(positions?: readonly bigint[]): Promise<number>;
}

export interface PartitionedSetup<TEvents extends AnyEventDefinition, THandle> {
  readonly store: EventStore<TEvents, THandle>;
  readonly options: ConsumerOptions<TEvents, THandle>;
  readonly partitions: number;
  readonly owner: string;
  readonly filter: () => LogFilter;
  lane(lane: ConsumerLane): Lane;
  report(error: unknown): void;
}

/** Runs `task` on every item, at most `size` at once; every task ends before the first error is thrown. */
async function forEachAtMost<T, R>(items: readonly T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const slots = new Slots(size);
  const settled = await Promise.allSettled(items.map((item) => slots.run(() => task(item))));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}

/**
 * A consumer split into P partitions, each its own checkpoint and lease (a `Lane`: the usual
 * batch loop reading the log after its checkpoint and keeping its partition's events). Running
 * instances share the partitions out through membership rows: every tick each renews its row,
 * reads every row of the consumer, and holds its share (members sorted by owner, floor(P/M) each
 * and one more for the first P mod M), giving extra partitions back and claiming free or expired
 * ones. Leases and liveness are judged by the database's clock only. A partition changing hands
 * keeps its events once and in order: the old holder's batch in flight fails its checkpoint's
 * compare-and-set, and the new one reads from the stored checkpoint.
 */
export class PartitionedConsumer<TEvents extends AnyEventDefinition, THandle> {
  readonly lanes: readonly Lane[];
  private readonly held = new Set<number>();
  /** Partitions given back whose loop is still finishing its batch: not claimed again until done. */
  private readonly stopping = new Map<number, Promise<void>>();
  private readonly balancer: PollingLoop;
  private readonly memberKey: ConsumerKey;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  /** Set when the stored rows refuse this partition count: the instance holds nothing until stopped. */
  private refused: unknown;
  private unpartitionedChecked = false;
  private subscription: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(private readonly setup: PartitionedSetup<TEvents, THandle>) {
    const { options, partitions, store, owner } = setup;
    this.leaseMs = options.leaseMs ?? CONSUMER_DEFAULTS.leaseMs;
    this.concurrency = options.concurrency ?? 1;
    const slots = new Slots(this.concurrency);
    this.lanes = Array.from({ length: partitions }, (_, partition) =>
      setup.lane({
        keyName: partitionKeyName(options.name, partition, partitions),
        keep: (event) => partitionIndex(event.stream, partitions) === partition,
        throttle: (round) => slots.run(round),
      }),
    );
    this.memberKey = { tenant: store.tenant, name: memberKeyName(options.name, owner) };
    const tickMs = Math.max(this.leaseMs / 3, 50);
    this.balancer = new PollingLoop(
      async () => {
        await this.balance();
        return 'idle';
      },
      (error) => setup.report(error),
      { minMs: tickMs, maxMs: tickMs },
    );
  }

  private get name(): string {
    return this.setup.options.name;
  }

  /** The partitions this instance runs now (a copy). */
  get heldPartitions(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  get isRunning(): boolean {
    return this.balancer.isRunning;
  }

  start(): void {
    if (this.balancer.isRunning) return;
    this.refused = undefined;
    this.balancer.start();
    const { wakeUp } = this.setup.options;
    if (wakeUp) {
      this.subscription = wakeUp(() => {
        for (const partition of this.held) this.lanes[partition]?.wake();
      }).catch((error: unknown) => {
        this.setup.report(error);
        return undefined;
      });
    }
  }

  /** Stops balancing and every partition loop (each waits for its batch), gives every lease and the membership up. */
  async stop(): Promise<void> {
    if (this.balancer.isRunning) {
      await this.balancer.stop();
      const unsubscribe = await this.subscription;
      this.subscription = undefined;
      await unsubscribe?.();
    }
    this.held.clear();
    await Promise.all(this.stopping.values());
    await Promise.all(this.lanes.map((lane) => lane.stop()));
    await this.setup.store.write((session) => session.deleteConsumer(this.memberKey, this.setup.owner));
  }

  /** One balancing tick (see the class). */
  private async balance(): Promise<void> {
    if (this.refused) return;
    const { store, owner, partitions } = this.setup;
    try {
      await this.checkUnpartitioned();
      await store.write((session) => session.claimConsumer(this.memberKey, owner, this.leaseMs));
      const layout = await this.layout();
      for (const dead of layout.deadMembers) await store.write((session) => session.deleteConsumer(dead));
      const owners = layout.members.map((member) => member.leaseOwner ?? '');
      const share = shareOf(owners.includes(owner) ? owners : [...owners, owner].sort(), owner, partitions);
      for (const partition of this.heldPartitions) {
        const row = layout.partitions.get(partition);
        if (row?.leaseLive && row.leaseOwner !== owner) {
          this.letGo(partition); // taken over meanwhile
          continue;
        }
        // Renewed here too: a partition waiting its turn for a slot runs no batch that renews it.
        if (!(await this.lanes[partition]?.claimLease())) this.letGo(partition);
      }
      while (this.held.size > share) this.letGo(Math.max(...this.held));
      for (let partition = 0; partition < partitions && this.held.size < share; partition++) {
        if (this.held.has(partition) || this.stopping.has(partition) || !this.balancer.isRunning) continue;
        const row = layout.partitions.get(partition);
        if (row?.leaseLive && row.leaseOwner !== owner) continue;
        const lane = this.lanes[partition];
        if (lane && (await lane.claimLease())) {
          this.held.add(partition);
          lane.start();
        }
      }
    } catch (error) {
      if (error instanceof ConsumerPartitionsChangedError) {
        this.refused = error;
        for (const partition of this.heldPartitions) this.letGo(partition);
      }
      throw error;
    }
  }

  /**
   * Stops a partition's loop and gives its lease up, without waiting here for its batch in
   * flight: the tick goes on (and renews the membership in time) however long that batch runs.
   */
  private letGo(partition: number): void {
    this.held.delete(partition);
    const lane = this.lanes[partition];
    if (!lane) return;
    const stopped = lane
      .stop()
      .catch((error: unknown) => this.setup.report(error))
      .finally(() => this.stopping.delete(partition));
    this.stopping.set(partition, stopped);
  }

  /** Every row of the consumer, sorted out; refuses rows of another partition count. */
  private async layout(): Promise<PartitionLayout> {
    const { store, partitions } = this.setup;
    const rows = await store.readOnly((session) => session.listConsumers(store.tenant, rowsPrefix(this.name)));
    const layout = readLayout(store.tenant, this.name, partitions, rows);
    assertSameCount(this.name, partitions, layout);
    return layout;
  }

  /** Refuses to partition a consumer whose unpartitioned checkpoint was ever stored (once per instance). */
  private async checkUnpartitioned(): Promise<void> {
    if (this.unpartitionedChecked) return;
    const { store, partitions } = this.setup;
    const row = await store.readOnly((session) => session.readCheckpoint({ tenant: store.tenant, name: this.name }));
    if (row && !row.isNew) throw new ConsumerPartitionsChangedError(this.name, undefined, partitions);
    this.unpartitionedChecked = true;
  }

  private async checkRows(): Promise<void> {
    await this.checkUnpartitioned();
    await this.layout();
  }

  /** Claims every partition (for catchUp, rebuild, reset); ConsumerHeldError, with nothing kept, if one is held. */
  private async claimAll(): Promise<ConsumerCheckpoint[]> {
    const claims: ConsumerCheckpoint[] = [];
    for (const lane of this.lanes) {
      const claimed = await lane.claimLease();
      if (!claimed) {
        const holder = await lane.holder();
        await this.releaseIdle();
        throw new ConsumerHeldError(this.name, holder);
      }
      claims.push(claimed);
    }
    return claims;
  }

  /** Gives up the leases of partitions no loop of this instance runs (taken by catchUp, processBatch...). */
  async releaseIdle(): Promise<void> {
    await Promise.all(this.lanes.filter((_, partition) => !this.held.has(partition)).map((lane) => lane.stop()));
  }

  /** One batch of the first partition this instance holds, or else of the first it can claim. */
  async processBatch(): Promise<BatchOutcome> {
    await this.checkRows();
    const [first] = this.heldPartitions;
    const held = first === undefined ? undefined : this.lanes[first];
    if (held) return held.processBatch();
    let outcome: BatchOutcome = { status: 'not-holder', holder: null };
    for (const lane of this.lanes) {
      outcome = await lane.processBatch();
      if (outcome.status !== 'not-holder') return outcome;
    }
    return outcome;
  }

  /** Claims every partition, handles each until it finds nothing left (`concurrency` at once), releases. */
  async catchUp(onProgress?: (handled: number) => void | Promise<void>): Promise<number> {
    await this.checkRows();
    await this.claimAll();
    const handled = this.lanes.map(() => 0);
    const total = () => handled.reduce((sum, count) => sum + count, 0);
    try {
      await forEachAtMost(
        this.lanes.map((lane, partition) => ({ lane, partition })),
        this.concurrency,
        ({ lane, partition }) =>
          lane.catchUp((count) => {
            handled[partition] = count;
            return onProgress?.(total());
          }),
      );
      return total();
    } finally {
      if (!this.isRunning) await this.releaseIdle();
    }
  }

  /**
   * Claims every partition, then in one transaction runs `prepare` once and moves every
   * partition's checkpoint to `target` (rebuild, reset).
   */
  async moveCheckpoints(
    target: (session: BackendSession<THandle>) => Promise<LogPosition>,
    prepare?: (session: BackendSession<THandle>) => Promise<void> | undefined,
  ): Promise<LogPosition> {
    await this.checkRows();
    const claims = await this.claimAll();
    const { store, owner } = this.setup;
    try {
      return await store.write(async (session) => {
        await prepare?.(session);
        const to = await target(session);
        for (const [partition, lane] of this.lanes.entries()) {
          const from = claims[partition]?.position ?? LOG_START;
          if (!(await session.storeCheckpoint(lane.key, owner, from, to))) throw new ConsumerHeldError(this.name, null);
        }
        return to;
      });
    } catch (error) {
      if (!this.isRunning) await this.releaseIdle();
      throw error;
    }
  }

  /** Resolves once every partition's checkpoint stands at or after the log's end at the call. */
  async whenCaughtUp(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const { store, partitions } = this.setup;
    const target = await store.readOnly((session) => session.logEnd());
    for (;;) {
      const layout = await this.layout();
      let caughtUp = 0;
      for (const row of layout.partitions.values()) {
        if (!row.isNew && compareLogPositions(row.position, target) >= 0) caughtUp++;
      }
      if (caughtUp === partitions) return;
      if (Date.now() > deadline) throw new ConsumerTimeoutError(this.name, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * The consumer's status with each partition's. The top level's checkpoint is the lowest
   * partition's, its lag the matching events after it (an upper bound of the partitions' total).
   * Each partition's lag takes one read of the log after the lowest checkpoint, sorted in JS:
   * `{ partitions: false }` leaves the partitions out (a telemetry's periodic look needs the top level).
   */
  status(options: { partitions?: boolean } = {}): Promise<ConsumerStatus> {
    const { store, partitions } = this.setup;
    const filter = this.setup.filter();
    return store.readOnly(async (session) => {
      const rows = await session.listConsumers(store.tenant, rowsPrefix(this.name));
      const layout = readLayout(store.tenant, this.name, partitions, rows);
      const checkpoints = this.lanes.map((_, partition) => {
        const row = layout.partitions.get(partition);
        return row && !row.isNew ? row.position : undefined;
      });
      const lowest = checkpoints.some((checkpoint) => checkpoint === undefined)
        ? undefined
        : checkpoints.reduce((low, checkpoint) =>
            checkpoint && low && compareLogPositions(checkpoint, low) < 0 ? checkpoint : low,
          );
      const after = lowest ?? LOG_START;
      const lags = options.partitions === false ? [] : await partitionLags(session, after, filter, checkpoints);
      const parked = await Promise.all(
        this.lanes.map(async (lane) => (await session.listParked(lane.key, 100)).map(summarizeParked)),
      );
      const summary: ConsumerStatus = {
        name: this.name,
        checkpoint: lowest,
        ...(await readLogStatus(session, after, filter)),
        leaseOwner: null,
        leaseExpiresAt: null,
        parked: firstParked(parked, 100),
      };
      if (options.partitions === false) return summary;
      return {
        ...summary,
        partitions: this.lanes.map((_, partition) => {
          const row = layout.partitions.get(partition);
          return {
            partition,
            checkpoint: checkpoints[partition],
            lag: lags[partition] ?? 0,
            leaseOwner: row?.leaseOwner ?? null,
            leaseExpiresAt: row?.leaseExpiresAt ?? null,
            held: row?.leaseLive ?? false,
          };
        }),
        instances: layout.members.map((member) => ({
          owner: member.leaseOwner ?? '',
          expiresAt: member.leaseExpiresAt ?? new Date(0),
        })),
      };
    });
  }

  /** Parked events across partitions: each partition keeps its own under its row's name. */
  readonly parked: ParkedView = {
    list: async (limit = 100) =>
      firstParked(await Promise.all(this.lanes.map((lane) => lane.parked.list(limit))), limit),
    retry: (positions) => this.eachLane((lane) => lane.parked.retry(positions)),
    skip: (positions) => this.eachLane((lane) => lane.parked.skip(positions)),
  };

  private async eachLane(task: (lane: Lane) => Promise<number>): Promise<number> {
    let total = 0;
    for (const lane of this.lanes) total += await task(lane);
    return total;
  }
}

/** The first `limit` parked events of all partitions, in log position order. */
function firstParked<T extends { readonly position: bigint }>(
  partitions: readonly (readonly T[])[],
  limit: number,
): T[] {
  return partitions
    .flat()
    .sort((a, b) => ascending(a.position, b.position))
    .slice(0, limit);
}

const STATUS_PAGE = 1_000;

/** Each partition's events after its checkpoint, counted in one read of the log after `after`. */
async function partitionLags(
  session: BackendSession<unknown>,
  after: LogPosition,
  filter: LogFilter,
  checkpoints: readonly (LogPosition | undefined)[],
): Promise<number[]> {
  const lags = checkpoints.map(() => 0);
  let from = after;
  for (;;) {
    const page = await session.readLog({ after: from, limit: STATUS_PAGE, filter });
    for (const event of page.events) {
      const partition = partitionIndex(event.stream, checkpoints.length);
      const checkpoint = checkpoints[partition] ?? LOG_START;
      if (compareLogPositions({ transactionId: event.transactionId, position: event.position }, checkpoint) > 0) {
        lags[partition] = (lags[partition] ?? 0) + 1;
      }
    }
    if (page.events.length === 0) return lags;
    from = page.next;
  }
}
