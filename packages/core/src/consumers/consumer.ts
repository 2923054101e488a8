import type { BackendSession, ConsumerCheckpoint, ConsumerKey, LogPage, LogPosition } from '../backend/index.js';
import { compareLogPositions, LOG_START } from '../backend/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import { onAppendCommitted } from '../store/ambient.js';
import type { EventStore } from '../store/eventStore.js';
import type { ProjectionContext } from '../store/options.js';
import type { BatchTelemetry } from '../telemetry/telemetry.js';
import { describeFailure } from '../util/describeFailure.js';
import { readPastHeldBack } from '../util/heldBack.js';
import { instanceOwner } from '../util/owner.js';
import { PollingLoop } from '../util/pollingLoop.js';
import {
  ConsumerHaltedError,
  ConsumerHeldError,
  ConsumerPartitionsChangedError,
  ConsumerTimeoutError,
} from './errors.js';
import { FailureTracker } from './failures.js';
import { ConsumerLease } from './lease.js';
import type { BatchOutcome, ConsumerOptions, ConsumerStatus } from './options.js';
import { CONSUMER_DEFAULTS } from './options.js';
import { ParkedEvents } from './parked.js';
import { rowsPrefix, storedPartitionCount } from './partitions/layout.js';
import { type ConsumerLane, type Lane, type ParkedView, PartitionedConsumer } from './partitions/partitioned.js';
import { assertPartitionCount } from './partitions/partitionOf.js';
import { ReadAhead } from './readAhead.js';
import { readConsumerStatus } from './status.js';

/** How long an empty page held back is read again before the batch reports it idle. */
const HELD_BACK_REREAD_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The batch's checkpoint could not move: another instance took the consumer over meanwhile. */
class LostLease extends Error {}

/** Checkpoints are keyed by the name in a 200-character column. */
export const CONSUMER_NAME_MAX_LENGTH = 200;
const NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${CONSUMER_NAME_MAX_LENGTH - 1}}$`);
/** A partitioned consumer's rows add a suffix to its name (`#member/` and 16 hex digits at most). */
export const PARTITIONED_CONSUMER_NAME_MAX_LENGTH = 170;

/**
 * A named reader of the global log. Each batch takes or renews the lease, reads the page after
 * the checkpoint, then in one transaction hands the events to the handler and moves the
 * checkpoint if it still stands where the page starts. The row lock on the consumer's checkpoint
 * serializes instances, so an event is handled once across every process running the consumer;
 * the lease just keeps one of them in charge.
 */
export class Consumer<TEvents extends AnyEventDefinition, THandle> {
  readonly name: string;
  readonly owner: string;
  private readonly loop: PollingLoop;
  private subscription: Promise<(() => Promise<void>) | undefined> | undefined;
  private readonly readAhead: ReadAhead;
  /** Where the backend reads beside an open transaction and the store is not bound to one. */
  private readonly readsAhead: boolean;
  private readonly batchSize: number;
  private readonly lease: ConsumerLease<TEvents, THandle>;
  private readonly failures: FailureTracker | undefined;
  /**
   * The operator's view of the events the failure policy set aside: list, retry, skip. On a
   * partitioned consumer it spans every partition (each keeps its parked events under its own row).
   */
  readonly parked: ParkedView;
  /** The partition count of a partitioned consumer (undefined: unpartitioned). */
  readonly partitions: number | undefined;
  private readonly partitioned: PartitionedConsumer<TEvents, THandle> | undefined;

  private readonly store: EventStore<TEvents, THandle>;
  private stopWakingOnAppend: (() => void) | undefined;
  private unobserve: (() => void) | undefined;

  /** `lane`: internal, this consumer is one partition of a partitioned consumer (see partitions/). */
  constructor(
    store: EventStore<TEvents, THandle>,
    private readonly options: ConsumerOptions<TEvents, THandle>,
    private readonly lane?: ConsumerLane,
  ) {
    // Batches run in transactions of the consumer's own, whatever context it was started from.
    this.store = store.detached();
    if (typeof options.name !== 'string' || !NAME_PATTERN.test(options.name)) {
      throw new InvalidArgumentError(`Consumer name ${JSON.stringify(options.name)} must match ${NAME_PATTERN}`);
    }
    this.batchSize = options.batchSize ?? CONSUMER_DEFAULTS.batchSize;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1)
      throw new InvalidArgumentError('batchSize must be >= 1');
    store.logFilter(options); // refuses a malformed filter when the consumer is made, not at its first batch
    this.name = options.name;
    this.owner = instanceOwner(options.owner);
    this.partitions = lane ? undefined : validPartitions(options);
    this.lease = new ConsumerLease(
      this.store,
      this.key,
      this.owner,
      options.leaseMs ?? CONSUMER_DEFAULTS.leaseMs,
      lane ? undefined : (session) => this.refusePartitionRows(session),
    );
    this.readAhead = new ReadAhead((after) => this.readPage(after, this.batchSize));
    this.readsAhead = options.readAhead !== false && store.backend.capabilities.concurrentReads && !store.isBound;
    this.failures = options.onFailure && new FailureTracker(options.onFailure);
    const parked = new ParkedEvents({
      store,
      key: this.key,
      owner: this.owner,
      handle: options.handle,
      claim: () => this.lease.claim(),
      holder: () => this.lease.holder(),
    });
    this.partitioned =
      this.partitions === undefined
        ? undefined
        : new PartitionedConsumer({
            store: this.store,
            options,
            partitions: this.partitions,
            owner: this.owner,
            filter: () => this.filter,
            lane: (lane): Lane =>
              new Consumer(store, { ...options, owner: this.owner, wakeUp: undefined, partitions: undefined }, lane),
            report: (error) => this.reportError(error),
          });
    this.parked = this.partitioned?.parked ?? parked;
    const throttle: ConsumerLane['throttle'] = lane?.throttle ?? ((round) => round());
    this.loop = new PollingLoop(
      async () => {
        // A partition given back while it waited for a slot runs no batch.
        const outcome = await throttle(async () => (this.loop.isRunning ? this.processBatch() : undefined));
        if (!outcome) return 'idle';
        if (outcome.status === 'processed' || outcome.status === 'parked') return 'worked';
        return outcome.status === 'idle' && outcome.heldBack ? 'held-back' : 'idle';
      },
      (error) => this.reportError(error),
      options.polling,
    );
  }

  /** The checkpoint's key: the consumer's name in its store's tenant (a partition's row name for a partition). */
  get key(): ConsumerKey {
    return { tenant: this.store.tenant, name: this.lane?.keyName ?? this.name };
  }

  /** The partitions this instance runs now (empty when unpartitioned). */
  get heldPartitions(): number[] {
    return this.partitioned?.heldPartitions ?? [];
  }

  private get filter() {
    return this.store.logFilter(this.options);
  }

  /** Where a new checkpoint starts; `inSession` runs the head read that `start: 'end'` needs. */
  private async startPosition(
    inSession: (read: (session: BackendSession<THandle>) => Promise<LogPosition>) => Promise<LogPosition>,
  ): Promise<LogPosition> {
    const start = this.options.start ?? 'beginning';
    if (start === 'beginning') return LOG_START;
    if (start === 'end') return inSession((session) => session.logHead());
    return start;
  }

  /**
   * Processes at most one batch: claims the consumer, reads after its checkpoint, then in one
   * transaction hands the events to the handler and moves the checkpoint if it is still where the
   * claim found it (an instance that lost the consumer meanwhile rolls its batch back, so each
   * event's effects commit once). A batch that fails throws, until the failure policy (if any)
   * sets its event aside: then the outcome says `parked` or `halted`.
   */
  processBatch(): Promise<BatchOutcome> {
    if (this.partitioned) return this.partitioned.processBatch();
    return this.store.telemetry.consumerBatch(this.key, (batch) => this.runBatch(batch));
  }

  private async runBatch(batch: BatchTelemetry): Promise<BatchOutcome> {
    if (this.failures?.halts) {
      const [halted] = await this.store.readOnly((session) => session.listParked(this.key, 1, true));
      if (halted) return { status: 'halted', position: halted.event.position, error: halted.error };
    }
    // Awaited before the batch's transaction takes a connection, so a read-ahead still waiting
    // for one (a pool of one) is never waited for by the transaction that holds it.
    const ahead = await this.readAhead.take();
    const claimed = await this.lease.claim();
    if (!claimed) return { status: 'not-holder', holder: await this.lease.holder() };
    const { batchSize } = this;
    const limit = this.failures?.batchLimit(claimed.position, batchSize) ?? batchSize;
    let page: LogPage | undefined;
    try {
      // The page is read before the batch's transaction, in statements of their own: see readPage.
      const after = claimed.isNew ? await this.startPosition((read) => this.store.readOnly(read)) : claimed.position;
      const read =
        (limit === batchSize ? ReadAhead.usable(ahead, after) : undefined) ?? (await this.readPage(after, limit));
      page = read;
      if (this.readsAhead && limit === batchSize && read.events.length === batchSize) this.readAhead.start(read.next);
      // A partition reads every matching event and keeps its own: the checkpoint still moves past the page.
      const mine = this.lane ? read.events.filter(this.lane.keep) : read.events;
      const outcome = await this.store.write(async (session): Promise<BatchOutcome> => {
        if (mine.length > 0) {
          // Personal values opened with keys read in the batch's transaction (pages read ahead too).
          const opened = await this.store.openStored(mine, session);
          const events = opened.map((event) => this.store.reviveStored(event));
          const context = { transaction: session.handle as THandle, store: this.store.withSession(session) };
          await batch.handle(events, () => this.options.handle(events, context));
        }
        const moved = claimed.isNew || compareLogPositions(read.next, claimed.position) !== 0;
        if (moved && !(await session.storeCheckpoint(this.key, this.owner, claimed.position, read.next))) {
          throw new LostLease();
        }
        return read.events.length > 0
          ? { status: 'processed', count: mine.length, position: read.next }
          : { status: 'idle', position: read.next, heldBack: read.heldBack === true };
      });
      this.failures?.succeeded();
      return outcome;
    } catch (error) {
      if (error instanceof LostLease) return { status: 'not-holder', holder: await this.lease.holder() };
      if (!this.failures || !page || page.events.length === 0) throw error;
      if (this.failures.failed(claimed.position, page) === 'retry') throw error;
      return this.setAside(claimed, page, error);
    }
  }

  /**
   * The page after `after`, read outside the batch's transaction (like a page read ahead): the
   * checkpoint's compare-and-set makes it safe to use there. Inside one transaction every read
   * shares that transaction's snapshot, and where positions commit in order (MySQL/MariaDB) the
   * log is only read exactly by statements whose snapshots are taken one after the other (see
   * sql/statements/log.ts): MariaDB can take a snapshot that shows a later append's log head
   * without an earlier append it hides, and a page read in it would move the checkpoint past that
   * earlier append for good.
   */
  private async readPage(after: LogPosition, limit: number): Promise<LogPage> {
    const read = () => this.store.readOnly((session) => session.readLog({ after, limit, filter: this.filter }));
    // An empty page held back (PostgreSQL) is read again briefly, as `readAll` does: the holder is
    // usually a transaction about to end, or one of another database that ended as it was placed.
    const { page } = await readPastHeldBack(
      HELD_BACK_REREAD_MS,
      (page) => page.heldBack === true && page.events.length === 0,
      read,
    );
    return page;
  }

  /** The failure policy's last word on the one event of `page`: parked and passed, or halted at. */
  private async setAside(claimed: ConsumerCheckpoint, page: LogPage, error: unknown): Promise<BatchOutcome> {
    const [event] = page.events;
    const failures = this.failures;
    if (!event || !failures) throw error;
    const halted = failures.halts;
    const reason = describeFailure(error);
    try {
      await this.store.write(async (session) => {
        await session.parkEvent(this.key, {
          position: event.position,
          error: reason,
          attempts: failures.attempts,
          halted,
        });
        const past = { transactionId: event.transactionId, position: event.position };
        if (!halted && !(await session.storeCheckpoint(this.key, this.owner, claimed.position, past))) {
          throw new LostLease();
        }
      });
    } catch (lost) {
      if (lost instanceof LostLease) return { status: 'not-holder', holder: await this.lease.holder() };
      throw lost;
    }
    failures.succeeded();
    this.reportError(error);
    return { status: halted ? 'halted' : 'parked', position: event.position, error: reason };
  }

  /**
   * Runs batches until one finds nothing left, then gives the lease up (a script or a test can
   * catch up and exit without holding other instances back). Throws `ConsumerHeldError` when
   * another live instance holds the consumer, `ConsumerHaltedError` when it stands at a halted
   * event; with a failure policy, a failing batch is run again until the policy acts.
   */
  async catchUp(onProgress?: (handled: number) => void | Promise<void>): Promise<number> {
    if (this.partitioned) return this.partitioned.catchUp(onProgress);
    let handled = 0;
    try {
      for (;;) {
        let outcome: BatchOutcome;
        try {
          outcome = await this.processBatch();
        } catch (error) {
          // With a failure policy the batch is run again until the policy sets its event aside.
          if (!this.failures) throw error;
          await sleep(Math.min(50 * 2 ** (this.failures.attempts - 1), 1_000));
          continue;
        }
        if (outcome.status === 'not-holder') throw new ConsumerHeldError(this.name, outcome.holder);
        if (outcome.status === 'halted') throw new ConsumerHaltedError(this.name, outcome.position, outcome.error);
        if (outcome.status === 'idle') return handled;
        if (outcome.status === 'processed') handled += outcome.count;
        await onProgress?.(handled);
      }
    } finally {
      if (!this.loop.isRunning) await this.release();
    }
  }

  /** Starts polling in the background (idempotent). */
  start(): void {
    if (this.partitioned) {
      if (!this.partitioned.isRunning) {
        // Observed for its top-level lag: each partition's would read the log at every look.
        const { partitioned, key } = this;
        this.unobserve = this.store.telemetry.observeConsumer({
          key,
          status: () => partitioned.status({ partitions: false }),
        });
      }
      this.partitioned.start();
      return;
    }
    if (this.loop.isRunning) return;
    this.loop.start();
    this.stopWakingOnAppend = onAppendCommitted(this.store.backend, () => this.loop.wake());
    // A partition is observed through its partitioned consumer.
    if (!this.lane) this.unobserve = this.store.telemetry.observeConsumer(this);
    if (this.options.wakeUp) {
      this.subscription = this.options
        .wakeUp(() => this.loop.wake())
        .catch((error: unknown) => {
          this.reportError(error);
          return undefined;
        });
    }
  }

  /** Stops polling, waits for the batch in flight, gives the lease up. */
  async stop(): Promise<void> {
    if (this.partitioned) {
      this.unobserve?.();
      this.unobserve = undefined;
      return this.partitioned.stop();
    }
    if (this.loop.isRunning) {
      this.stopWakingOnAppend?.();
      this.unobserve?.();
      this.stopWakingOnAppend = this.unobserve = undefined;
      await this.loop.stop();
      const unsubscribe = await this.subscription;
      this.subscription = undefined;
      await unsubscribe?.();
    }
    await this.release(); // also the lease taken by batches run with processBatch()
  }

  /** Waits for a page read ahead, then gives the lease up. */
  private async release(): Promise<void> {
    await this.readAhead.take();
    await this.lease.release();
  }

  /** Internal (a partition's): cuts its polling pause short. */
  wake(): void {
    this.loop.wake();
  }

  /** Internal (a partition's): takes or renews the lease outside a batch. */
  claimLease(): Promise<ConsumerCheckpoint | undefined> {
    return this.lease.claim();
  }

  /** Internal (a partition's): the instance holding the lease, if any. */
  holder(): Promise<string | null> {
    return this.lease.holder();
  }

  /** An unpartitioned consumer refuses to start over rows of a partitioned one of its name. */
  private async refusePartitionRows(session: BackendSession<THandle>): Promise<void> {
    const rows = await session.listConsumers(this.store.tenant, rowsPrefix(this.name));
    const stored = storedPartitionCount(this.name, rows);
    if (stored !== undefined) throw new ConsumerPartitionsChangedError(this.name, stored, undefined);
  }

  private reportError(error: unknown): void {
    (this.options.onError ?? ((e) => console.error(`consumer ${this.name}:`, e)))(error);
  }

  /**
   * Resolves once the consumer has handled every event committed before this call (for tests and
   * scripts). The consumer must be running here or in another process. On PostgreSQL an event
   * committed behind an older transaction that is still open is handled once that one ends.
   */
  async whenCaughtUp(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.partitioned) return this.partitioned.whenCaughtUp(options);
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const target = await this.store.readOnly((session) => session.logEnd());
    for (;;) {
      const checkpoint = await this.store.readOnly((session) => session.readCheckpoint(this.key));
      if (checkpoint && !checkpoint.isNew && compareLogPositions(checkpoint.position, target) >= 0) return;
      if (Date.now() > deadline) throw new ConsumerTimeoutError(this.name, options.timeoutMs ?? 30_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Where the consumer stands, who holds it, what it set aside (see `ConsumerStatus`). */
  status(): Promise<ConsumerStatus> {
    if (this.partitioned) return this.partitioned.status();
    return readConsumerStatus(this.store, this.key, this.filter);
  }

  /**
   * Rebuilds from the start: in one transaction `clear` empties the projection and the
   * checkpoint goes back to the start position; then the log is replayed with progress reported.
   * The replay waits for a promise `onProgress` returns; one that throws (or rejects) ends it after
   * the batch it reports, with that error: the checkpoint stands after that batch, and `catchUp()`
   * goes on from there.
   */
  async rebuild(
    options: {
      clear?: (context: ProjectionContext<TEvents, THandle>) => Promise<void>;
      onProgress?: (progress: { handled: number; total: number }) => void | Promise<void>;
    } = {},
  ): Promise<number> {
    const start = await this.moveCheckpoint(
      (session) => this.startPosition((read) => read(session)),
      (session) => options.clear?.({ transaction: session.handle as THandle, store: this.store.withSession(session) }),
    );
    const total = await this.store.readOnly((session) => session.countLog(start, this.filter));
    return this.catchUp((handled) => options.onProgress?.({ handled, total }));
  }

  /**
   * Moves the checkpoint to `to` (a log position, or the global position of an event: the
   * consumer goes on with the events after it; 0n: from the start of the log) without handling
   * anything, for an operator's repair. Throws `ConsumerHeldError` when another instance holds it.
   */
  async reset(to: LogPosition | bigint): Promise<LogPosition> {
    try {
      return await this.moveCheckpoint(async (session) => (typeof to === 'bigint' ? session.logPositionAt(to) : to));
    } finally {
      if (this.partitioned) {
        if (!this.partitioned.isRunning) await this.partitioned.releaseIdle();
      } else if (!this.loop.isRunning) await this.release();
    }
  }

  /** Claims the consumer, then in one transaction runs `prepare` and moves the checkpoint to `target`. */
  private async moveCheckpoint(
    target: (session: BackendSession<THandle>) => Promise<LogPosition>,
    prepare?: (session: BackendSession<THandle>) => Promise<void> | undefined,
  ): Promise<LogPosition> {
    if (this.partitioned) return this.partitioned.moveCheckpoints(target, prepare);
    const claimed = await this.lease.claim();
    if (!claimed) throw new ConsumerHeldError(this.name, await this.lease.holder());
    return this.store.write(async (session) => {
      await prepare?.(session);
      const to = await target(session);
      if (!(await session.storeCheckpoint(this.key, this.owner, claimed.position, to))) {
        throw new ConsumerHeldError(this.name, null);
      }
      return to;
    });
  }
}

/** The partition count of `options`, checked with what a partitioned consumer needs; undefined when unpartitioned. */
function validPartitions(options: ConsumerOptions<AnyEventDefinition, unknown>): number | undefined {
  const { partitions, concurrency } = options;
  if (partitions === undefined) {
    if (concurrency !== undefined) throw new InvalidArgumentError('concurrency needs partitions');
    return undefined;
  }
  assertPartitionCount(partitions);
  if (options.name.length > PARTITIONED_CONSUMER_NAME_MAX_LENGTH) {
    throw new InvalidArgumentError(
      `A partitioned consumer's name is at most ${PARTITIONED_CONSUMER_NAME_MAX_LENGTH} characters (its rows add a suffix); got ${options.name.length}`,
    );
  }
  if (concurrency !== undefined && (!Number.isSafeInteger(concurrency) || concurrency < 1)) {
    throw new InvalidArgumentError(`concurrency must be an integer >= 1; got ${String(concurrency)}`);
  }
  return partitions;
}

export function createConsumer<TEvents extends AnyEventDefinition, THandle>(
  store: EventStore<TEvents, THandle>,
  options: ConsumerOptions<TEvents, THandle>,
): Consumer<TEvents, THandle> {
  return new Consumer(store, options);
}
