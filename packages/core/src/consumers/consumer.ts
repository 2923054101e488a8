import type {
  BackendSession,
  ConsumerCheckpoint,
  ConsumerKey,
  LogPage,
  LogPosition,
  OldestTransaction,
} from '../backend/index.js';
import { compareLogPositions, LOG_START } from '../backend/index.js';
import { EsError, InvalidArgumentError } from '../errors/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { EventStore, ProjectionContext } from '../store/eventStore.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import { instanceOwner } from '../util/owner.js';
import { PollingLoop, type PollingOptions } from '../util/pollingLoop.js';

export interface ConsumerOptions<TEvents extends AnyEventDefinition, THandle> {
  /**
   * Identifies the consumer's checkpoint with the store's tenant: every process running this name
   * on a store of the same tenant shares it; the same name on another tenant's store is another
   * consumer.
   */
  readonly name: string;
  /**
   * Handles one batch, in log order. It runs in the transaction that also moves the checkpoint:
   * writes made through `context.transaction` (or `context.store`) commit exactly once with it.
   * Throwing rolls the batch back; it is retried after a pause.
   */
  handle(events: RecordedEventOf<TEvents>[], context: ProjectionContext<TEvents, THandle>): Promise<void>;
  /** Where a consumer without a checkpoint starts (default: the beginning). */
  readonly start?: 'beginning' | 'end' | LogPosition;
  readonly categories?: readonly string[];
  readonly types?: readonly string[];
  /** Every tenant's events (default: only the store's tenant). */
  readonly allTenants?: boolean;
  /** Events per batch (default 100). */
  readonly batchSize?: number;
  /**
   * After a full batch, read the next page on another connection while the handler runs, where
   * the backend can (default true; see `Consumer.readAhead`). Turn it off to keep a catching-up
   * consumer to one connection.
   */
  readonly readAhead?: boolean;
  /** Idle polling backs off from `minMs` to `maxMs` (defaults 10 and 1,000). */
  readonly polling?: PollingOptions;
  /** How long a holder keeps the consumer without renewing (default 15 s). */
  readonly leaseMs?: number;
  /** This instance's name in the lease, at most 100 characters (default host:pid:random). */
  readonly owner?: string;
  /** Called with errors of failed batches (they are retried); default: console.error. */
  readonly onError?: (error: unknown) => void;
  /** A wake-up hint (e.g. PostgreSQL LISTEN): call `wake` when new events may be there. The
   * consumer still reads by position; the hint only cuts the polling delay. */
  readonly wakeUp?: (wake: () => void) => Promise<() => Promise<void>>;
}

export type BatchOutcome =
  | { readonly status: 'processed'; readonly count: number; readonly position: LogPosition }
  /** Nothing to handle now; `heldBack`: committed events wait behind an open transaction. */
  | { readonly status: 'idle'; readonly position: LogPosition; readonly heldBack: boolean }
  | { readonly status: 'not-holder'; readonly holder: string | null };

export interface ConsumerStatus {
  readonly name: string;
  /** Undefined until the consumer stored a checkpoint. */
  readonly checkpoint: LogPosition | undefined;
  readonly head: LogPosition;
  /** Committed events matching the filter after the checkpoint. */
  readonly lag: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: Date | null;
  /** PostgreSQL: the oldest open writing transaction, which holds every log reader back. */
  readonly oldestOpenTransaction: OldestTransaction | undefined;
}

/** Another live instance holds the consumer's lease. */
export class ConsumerHeldError extends EsError {
  readonly code = 'CONSUMER_HELD';

  constructor(
    readonly consumer: string,
    readonly holder: string | null,
  ) {
    super(`Consumer '${consumer}' is held by ${holder ?? 'another instance'} until its lease runs out`);
  }
}

/** `whenCaughtUp` gave up: the consumer did not reach the log's end in time. */
export class ConsumerTimeoutError extends EsError {
  readonly code = 'CONSUMER_TIMEOUT';

  constructor(
    readonly consumer: string,
    readonly timeoutMs: number,
  ) {
    super(`Consumer '${consumer}' did not catch up within ${timeoutMs} ms`);
  }
}

/** The batch's checkpoint could not move: another instance took the consumer over meanwhile. */
class LostLease extends Error {}

/** A page of the log read before the batch that will handle it (see `Consumer.readAhead`). */
interface PageAhead {
  readonly after: LogPosition;
  readonly page: Promise<LogPage>;
}

/** Checkpoints are keyed by the name in a 200-character column. */
export const CONSUMER_NAME_MAX_LENGTH = 200;
const NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${CONSUMER_NAME_MAX_LENGTH - 1}}$`);

/**
 * A named reader of the global log. Each batch is one transaction: take or renew the lease,
 * read after the checkpoint, hand the events to the handler, move the checkpoint. The row lock
 * on the consumer's checkpoint serializes instances, so an event is handled once across every
 * process running the consumer; the lease just keeps one of them in charge.
 */
export class Consumer<TEvents extends AnyEventDefinition, THandle> {
  readonly name: string;
  readonly owner: string;
  private readonly loop: PollingLoop;
  private subscription: Promise<(() => Promise<void>) | undefined> | undefined;
  private ahead: PageAhead | undefined;
  /** See `readAhead`: where the backend reads beside an open transaction and the store is not bound to one. */
  private readonly readsAhead: boolean;

  constructor(
    private readonly store: EventStore<TEvents, THandle>,
    private readonly options: ConsumerOptions<TEvents, THandle>,
  ) {
    if (typeof options.name !== 'string' || !NAME_PATTERN.test(options.name)) {
      throw new InvalidArgumentError(`Consumer name ${JSON.stringify(options.name)} must match ${NAME_PATTERN}`);
    }
    const batchSize = options.batchSize ?? 100;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize must be >= 1');
    store.logFilter(options); // refuses a malformed filter when the consumer is made, not at its first batch
    this.name = options.name;
    this.owner = instanceOwner(options.owner);
    this.readsAhead = options.readAhead !== false && store.backend.capabilities.concurrentReads && !store.isBound;
    this.loop = new PollingLoop(
      async () => {
        const outcome = await this.processBatch();
        if (outcome.status === 'processed') return 'worked';
        return outcome.status === 'idle' && outcome.heldBack ? 'held-back' : 'idle';
      },
      (error) => this.reportError(error),
      options.polling,
    );
  }

  /** The checkpoint's key: the consumer's name in its store's tenant. */
  get key(): ConsumerKey {
    return { tenant: this.store.tenant, name: this.name };
  }

  private get filter() {
    return this.store.logFilter(this.options);
  }

  private async startPosition(session: BackendSession<THandle>): Promise<LogPosition> {
    const start = this.options.start ?? 'beginning';
    if (start === 'beginning') return LOG_START;
    if (start === 'end') return session.logHead();
    return start;
  }

  /**
   * Takes or renews the lease in a transaction of its own, so that the batch's transaction writes
   * nothing until its handler does: on PostgreSQL a transaction that has written holds every log
   * reader on the server back until it ends.
   */
  private claim(): Promise<ConsumerCheckpoint | undefined> {
    return this.store.write((session) => session.claimConsumer(this.key, this.owner, this.options.leaseMs ?? 15_000));
  }

  private async holder(): Promise<string | null> {
    return (await this.store.readOnly((session) => session.readCheckpoint(this.key)))?.leaseOwner ?? null;
  }

  /**
   * Processes at most one batch: claims the consumer, then in one transaction reads after its
   * checkpoint, hands the events to the handler and moves the checkpoint if it is still where the
   * claim found it (an instance that lost the consumer meanwhile rolls its batch back, so each
   * event's effects commit once).
   */
  async processBatch(): Promise<BatchOutcome> {
    const batchSize = this.options.batchSize ?? 100;
    // Awaited before the batch's transaction takes a connection, so a read-ahead still waiting
    // for one (a pool of one) is never waited for by the transaction that holds it.
    const ahead = await this.takePageAhead();
    const claimed = await this.claim();
    if (!claimed) return { status: 'not-holder', holder: await this.holder() };
    try {
      return await this.store.write(async (session): Promise<BatchOutcome> => {
        const after = claimed.isNew ? await this.startPosition(session) : claimed.position;
        const page =
          ahead && ahead.page.events.length > 0 && compareLogPositions(ahead.after, after) === 0
            ? ahead.page
            : await session.readLog({ after, limit: batchSize, filter: this.filter });
        if (this.readsAhead && page.events.length === batchSize) this.readAhead(page.next, batchSize);
        if (page.events.length > 0) {
          const events = page.events.map((event) => this.store.reviveStored(event));
          await this.options.handle(events, {
            transaction: session.handle as THandle,
            store: this.store.withSession(session),
          });
        }
        const moved = claimed.isNew || compareLogPositions(page.next, claimed.position) !== 0;
        if (moved && !(await session.storeCheckpoint(this.key, this.owner, claimed.position, page.next))) {
          throw new LostLease();
        }
        return page.events.length > 0
          ? { status: 'processed', count: page.events.length, position: page.next }
          : { status: 'idle', position: page.next, heldBack: page.heldBack === true };
      });
    } catch (error) {
      if (error instanceof LostLease) return { status: 'not-holder', holder: await this.holder() };
      throw error;
    }
  }

  /**
   * After a full page, the next one is read on another connection while this batch's handler
   * runs, so a consumer that is behind overlaps its log reads with its handling. It is used only
   * by a batch whose claimed checkpoint is where it starts (the log after a position is the same
   * whichever transaction reads it); otherwise, or when it failed or came back empty, the batch
   * reads in its own transaction as usual.
   */
  private readAhead(after: LogPosition, limit: number): void {
    const page = this.store.readOnly((session) => session.readLog({ after, limit, filter: this.filter }));
    page.catch(() => {}); // read again in the batch's transaction, which reports the error
    this.ahead = { after, page };
  }

  private async takePageAhead(): Promise<{ after: LogPosition; page: LogPage } | undefined> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (!ahead) return undefined;
    try {
      return { after: ahead.after, page: await ahead.page };
    } catch {
      return undefined;
    }
  }

  /**
   * Runs batches until one finds nothing left, then gives the lease up (a script or a test can
   * catch up and exit without holding other instances back). Throws `ConsumerHeldError` when
   * another live instance holds the consumer.
   */
  async catchUp(onProgress?: (handled: number) => void): Promise<number> {
    let handled = 0;
    try {
      for (;;) {
        const outcome = await this.processBatch();
        if (outcome.status === 'not-holder') throw new ConsumerHeldError(this.name, outcome.holder);
        if (outcome.status === 'idle') return handled;
        handled += outcome.count;
        onProgress?.(handled);
      }
    } finally {
      if (!this.loop.isRunning) await this.release();
    }
  }

  /** Starts polling in the background (idempotent). */
  start(): void {
    if (this.loop.isRunning) return;
    this.loop.start();
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
    if (this.loop.isRunning) {
      await this.loop.stop();
      const unsubscribe = await this.subscription;
      this.subscription = undefined;
      await unsubscribe?.();
    }
    await this.release(); // also the lease taken by batches run with processBatch()
  }

  /** Waits for a page read ahead, then gives the lease up. */
  private async release(): Promise<void> {
    await this.takePageAhead();
    await this.store.write((session) => session.releaseConsumer(this.key, this.owner));
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
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const target = await this.store.readOnly((session) => session.logEnd());
    for (;;) {
      const checkpoint = await this.store.readOnly((session) => session.readCheckpoint(this.key));
      if (checkpoint && !checkpoint.isNew && compareLogPositions(checkpoint.position, target) >= 0) return;
      if (Date.now() > deadline) throw new ConsumerTimeoutError(this.name, options.timeoutMs ?? 30_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async status(): Promise<ConsumerStatus> {
    return this.store.readOnly(async (session) => {
      const checkpoint = await session.readCheckpoint(this.key);
      const stored = checkpoint && !checkpoint.isNew ? checkpoint.position : undefined;
      const head = await session.logHead();
      return {
        name: this.name,
        checkpoint: stored,
        head,
        lag: await session.countLog(stored ?? LOG_START, this.filter),
        leaseOwner: checkpoint?.leaseOwner ?? null,
        leaseExpiresAt: checkpoint?.leaseExpiresAt ?? null,
        oldestOpenTransaction: await session.oldestOpenTransaction(),
      };
    });
  }

  /**
   * Rebuilds from the start: in one transaction `clear` empties the projection and the
   * checkpoint goes back to the start position; then the log is replayed with progress reported.
   */
  async rebuild(
    options: {
      clear?: (context: ProjectionContext<TEvents, THandle>) => Promise<void>;
      onProgress?: (progress: { handled: number; total: number }) => void;
    } = {},
  ): Promise<number> {
    const claimed = await this.claim();
    if (!claimed) throw new ConsumerHeldError(this.name, await this.holder());
    const total = await this.store.write(async (session) => {
      await options.clear?.({ transaction: session.handle as THandle, store: this.store.withSession(session) });
      const start = await this.startPosition(session);
      if (!(await session.storeCheckpoint(this.key, this.owner, claimed.position, start))) {
        throw new ConsumerHeldError(this.name, null);
      }
      return session.countLog(start, this.filter);
    });
    return this.catchUp((handled) => options.onProgress?.({ handled, total }));
  }
}

export function createConsumer<TEvents extends AnyEventDefinition, THandle>(
  store: EventStore<TEvents, THandle>,
  options: ConsumerOptions<TEvents, THandle>,
): Consumer<TEvents, THandle> {
  return new Consumer(store, options);
}
