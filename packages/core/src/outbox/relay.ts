import type { BackendSession, OutboxCounts, StoredEvent } from '../backend/index.js';
import { InvalidArgumentError, StoreError } from '../errors/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import { onAppendCommitted } from '../store/ambient.js';
import type { EventStore } from '../store/eventStore.js';
import type { RecordedEventOf, UnknownRecordedEvent } from '../store/recordedEvent.js';
import { NO_CALLER_CODE } from '../store/transactions.js';
import { describeFailure } from '../util/describeFailure.js';
import { instanceOwner } from '../util/owner.js';
import { PollingLoop, type PollingOptions } from '../util/pollingLoop.js';

/**
 * Delivers one event to a broker. Delivery is at-least-once: after a crash or a lost lease the
 * same event can be handed over again, so the receiving side deduplicates by `event.id`.
 */
export type Publisher<TEvents extends AnyEventDefinition> = (event: RecordedEventOf<TEvents>) => Promise<void>;

export interface OutboxRelayOptions<TEvents extends AnyEventDefinition> {
  readonly publish: Publisher<TEvents>;
  /** Rows claimed per batch (default 100). */
  readonly batchSize?: number;
  /** How long a claim lasts before another relay may take the rows over (default 30 s). */
  readonly leaseMs?: number;
  /** Attempts before a row is parked as dead (default 10). */
  readonly maxAttempts?: number;
  /** Retry delay: `baseMs * 2^(attempt-1)`, capped at `maxMs` (defaults 500 ms and 5 min). */
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  /** Idle polling backs off from `minMs` to `maxMs` (defaults 10 and 1,000). */
  readonly polling?: PollingOptions;
  /** This instance's name on the rows it claims, at most 100 characters (default host:pid:random). */
  readonly owner?: string;
  readonly onError?: (error: unknown) => void;
  /**
   * What brokers get of personal fields (declared with `personal(...)`): `'encrypted'` (the
   * default), the envelopes as stored, key id included, so no plaintext leaves the database and a
   * forgotten subject's copies in the broker are unreadable too (such an event is handed over as
   * stored, not upcast); `'decrypted'`, the values opened by the relay (erased ones masked), for
   * consumers that cannot reach the keys, at the cost of plaintext copies the store cannot forget.
   */
  readonly personalData?: 'encrypted' | 'decrypted';
}

export interface RelayBatch {
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
}

export interface DeadLetter<TEvents extends AnyEventDefinition> {
  readonly id: bigint;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly event: RecordedEventOf<TEvents>;
}

/** An outbox row as an operator sees it (`relay.list`): its event as stored when of a type the store does not know. */
export interface OutboxListed<TEvents extends AnyEventDefinition> {
  readonly id: bigint;
  readonly status: 'pending' | 'dead';
  readonly attempts: number;
  readonly lastError: string | null;
  /** When the relay may try a pending row next; null for a dead one. */
  readonly nextAttemptAt: Date | null;
  readonly event: RecordedEventOf<TEvents> | UnknownRecordedEvent;
}

const CLAIM_ATTEMPTS = 3;

/**
 * Relays racing appenders for the same index pages can deadlock on MySQL/MariaDB (InnoDB picks
 * a victim). The claim changed nothing before it was rolled back, so it is simply run again,
 * after a few random milliseconds; only a claim that keeps failing is reported.
 */
async function retryingDeadlocks<T>(claim: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await claim();
    } catch (error) {
      if (!(error instanceof StoreError && error.retryable) || attempt >= CLAIM_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/**
 * Moves outbox rows to a publisher. Each batch claims due rows in a short transaction, publishes
 * outside it (so no transaction stays open across network calls), then deletes what was
 * delivered. A stream's rows go out in version order: only the first pending row of a stream is
 * ever claimable, so a failed row holds the rows behind it until it is delivered or purged.
 *
 * A relay made from a tenant's store (`forTenant`, or `tenant` in the store's options) publishes,
 * counts, retries and purges that tenant's rows only; one made from a store without a tenant
 * works on every tenant's.
 */
export class OutboxRelay<TEvents extends AnyEventDefinition, THandle> {
  readonly owner: string;
  /** The tenant whose rows this relay works on; undefined: every tenant's. */
  readonly tenant: string | undefined;
  private readonly loop: PollingLoop;

  private readonly store: EventStore<TEvents, THandle>;
  private stopWakingOnAppend: (() => void) | undefined;
  private unobserve: (() => void) | undefined;

  constructor(
    store: EventStore<TEvents, THandle>,
    private readonly options: OutboxRelayOptions<TEvents>,
  ) {
    // Batches run in transactions of the relay's own, whatever context it was started from.
    this.store = store.detached();
    if (typeof options.publish !== 'function') throw new InvalidArgumentError('an outbox relay needs publish()');
    if (
      options.personalData !== undefined &&
      options.personalData !== 'encrypted' &&
      options.personalData !== 'decrypted'
    ) {
      throw new InvalidArgumentError("personalData must be 'encrypted' or 'decrypted'");
    }
    this.owner = instanceOwner(options.owner);
    this.tenant = store.isTenantScoped ? store.tenant : undefined;
    this.loop = new PollingLoop(
      async () => ((await this.processBatch()).claimed > 0 ? 'worked' : 'idle'),
      options.onError ?? ((error) => console.error('outbox relay:', error)),
      options.polling,
    );
  }

  private retryAt(attempts: number, now: Date): Date | null {
    if (attempts >= (this.options.maxAttempts ?? 10)) return null;
    const base = this.options.backoff?.baseMs ?? 500;
    const max = this.options.backoff?.maxMs ?? 300_000;
    return new Date(now.getTime() + Math.min(base * 2 ** (attempts - 1), max));
  }

  /** The relay's writes run none of the caller's code: publishing happens between them, outside. */
  private write<T>(work: (session: BackendSession<THandle>) => Promise<T>): Promise<T> {
    return this.store.write(work, undefined, NO_CALLER_CODE);
  }

  /** Claims, publishes and settles one batch. */
  async processBatch(): Promise<RelayBatch> {
    // Due times and leases are the database's clock, never this instance's own.
    const entries = await retryingDeadlocks(() =>
      this.write(async (session) => {
        const now = await session.now();
        const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 30_000));
        return session.claimOutbox(this.owner, now, leaseUntil, this.options.batchSize ?? 100, this.tenant);
      }),
    );
    if (entries.length === 0) return { claimed: 0, published: 0, failed: 0 };

    const decrypted = this.options.personalData === 'decrypted';
    // One key lookup per distinct key of the batch; should that fail (a tampered value, a wrong
    // master key), each event is opened on its own below and only the failing ones fail.
    const opened = decrypted
      ? await this.store
          .readOnly((session) =>
            this.store.openStored(
              entries.map((entry) => entry.event),
              session,
            ),
          )
          .catch(() => undefined)
      : undefined;
    const delivered: bigint[] = [];
    const blocked = new Set<string>();
    const skipped: bigint[] = [];
    let failed = 0;
    for (const [index, entry] of entries.entries()) {
      const { stream } = entry.event;
      const key = `${stream.tenant}/${stream.category}/${stream.id}`;
      if (blocked.has(key)) {
        skipped.push(entry.id);
        continue;
      }
      try {
        const event = decrypted
          ? this.store.reviveStored(opened?.[index] ?? (await this.openOne(entry.event)))
          : (this.store.reviveKeepingSealed(entry.event) as RecordedEventOf<TEvents>);
        await this.store.telemetry.relayPublish(event, entry.attempts, () => this.options.publish(event));
        delivered.push(entry.id);
      } catch (error) {
        failed++;
        blocked.add(key);
        const message = describeFailure(error);
        await this.write(async (session) =>
          session.failOutbox(this.owner, entry.id, message, this.retryAt(entry.attempts, await session.now())),
        );
        this.options.onError?.(error);
      }
    }
    await this.write(async (session) => {
      await session.completeOutbox(this.owner, delivered);
      if (skipped.length > 0) await session.releaseOutbox(this.owner, skipped, await session.now());
    });
    return { claimed: entries.length, published: delivered.length, failed };
  }

  /** Events as this relay publishes them: personal values opened (`'decrypted'`) or as stored. */
  private async published(
    events: readonly StoredEvent[],
    unknownTypes: 'throw' | 'raw' = 'throw',
  ): Promise<(RecordedEventOf<TEvents> | UnknownRecordedEvent)[]> {
    if (this.options.personalData !== 'decrypted') {
      return events.map((event) => this.store.reviveKeepingSealed(event, unknownTypes));
    }
    const opened = await this.store.readOnly((session) => this.store.openStored(events, session));
    return opened.map((event) => this.store.reviveStored(event, unknownTypes));
  }

  private async openOne(event: StoredEvent): Promise<StoredEvent> {
    const [opened] = await this.store.readOnly((session) => this.store.openStored([event], session));
    return opened ?? event;
  }

  /** Runs batches until one claims nothing (rows waiting for a retry stay). */
  async drain(): Promise<number> {
    let published = 0;
    for (;;) {
      const batch = await this.processBatch();
      published += batch.published;
      if (batch.claimed === 0) return published;
    }
  }

  /** Relays in the background until stopped (idempotent). */
  start(): void {
    // Woken by appends committed in this process, so a new row need not wait for the next poll.
    this.stopWakingOnAppend ??= onAppendCommitted(this.store.backend, () => this.loop.wake());
    this.unobserve ??= this.store.telemetry.observeRelay(this);
    this.loop.start();
  }

  /** Stops after the batch in flight. */
  stop(): Promise<void> {
    this.stopWakingOnAppend?.();
    this.unobserve?.();
    this.stopWakingOnAppend = this.unobserve = undefined;
    return this.loop.stop();
  }

  status(): Promise<OutboxCounts> {
    return this.store.readOnly((session) => session.countOutbox(this.tenant));
  }

  /** Pending or dead rows of this relay's scope in id order; `after` (a row's id) pages on. */
  async list(options: {
    readonly status: 'pending' | 'dead';
    readonly after?: bigint;
    readonly limit?: number;
  }): Promise<OutboxListed<TEvents>[]> {
    const { status, after, limit = 100 } = options;
    if (status !== 'pending' && status !== 'dead') throw new InvalidArgumentError("status must be 'pending' or 'dead'");
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgumentError('limit must be an integer >= 1');
    const rows = await this.store.readOnly((session) =>
      session.listOutbox({
        status,
        limit,
        ...(after !== undefined && { after }),
        ...(this.tenant !== undefined && { tenant: this.tenant }),
      }),
    );
    const events = await this.published(
      rows.map((row) => row.event),
      'raw',
    );
    return rows.map((row, index) => ({ ...row, event: events[index] as RecordedEventOf<TEvents> }));
  }

  /** The operator's view of parked rows. */
  readonly dead = {
    list: async (limit = 100): Promise<DeadLetter<TEvents>[]> => {
      const rows = await this.store.readOnly((session) => session.listDeadOutbox(limit, this.tenant));
      const events = await this.published(rows.map((row) => row.event));
      return rows.map((row, index) => ({ ...row, event: events[index] as RecordedEventOf<TEvents> }));
    },
    /** Makes dead rows (all, or these) pending again with a fresh attempt count. */
    retry: (ids?: readonly bigint[]): Promise<number> =>
      this.write(async (session) => session.reviveDeadOutbox(ids, await session.now(), this.tenant)),
    /** Deletes dead rows (all, or these) for good. */
    purge: (ids?: readonly bigint[]): Promise<number> =>
      this.write((session) => session.purgeDeadOutbox(ids, this.tenant)),
  };
}

export function createOutboxRelay<TEvents extends AnyEventDefinition, THandle>(
  store: EventStore<TEvents, THandle>,
  options: OutboxRelayOptions<TEvents>,
): OutboxRelay<TEvents, THandle> {
  return new OutboxRelay(store, options);
}
