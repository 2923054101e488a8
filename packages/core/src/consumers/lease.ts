import type { BackendSession, ConsumerCheckpoint, ConsumerKey } from '../backend/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { EventStore } from '../store/eventStore.js';
import { NO_CALLER_CODE } from '../store/transactions.js';

/**
 * One consumer instance's hold on its consumer: the lease it takes or renews before each batch,
 * judged by the database's clock, and gives up when it stops.
 */
export class ConsumerLease<TEvents extends AnyEventDefinition, THandle> {
  /** Whether this instance held the lease after its last claim. */
  private holding = false;

  constructor(
    private readonly store: EventStore<TEvents, THandle>,
    private readonly key: ConsumerKey,
    private readonly owner: string,
    private readonly leaseMs: number,
    /** Runs in the claim's transaction when the consumer's row was never stored; throwing undoes the claim. */
    private readonly checkNew?: (session: BackendSession<THandle>) => Promise<void>,
  ) {}

  /**
   * Takes or renews the lease in a transaction of its own, so that the batch's transaction writes
   * nothing until its handler does: on PostgreSQL a transaction that has written holds every log
   * reader on the server back until it ends. Undefined when another live instance holds it.
   */
  async claim(): Promise<ConsumerCheckpoint | undefined> {
    const { telemetry } = this.store;
    // Taken from another instance, the lease had run out: a takeover, which a telemetry may count.
    // Who held it is looked up only then, and only for a telemetry that counts takeovers.
    const previous = telemetry.leaseTakenOver && !this.holding ? await this.holder() : null;
    // `checkNew` is the consumer's own check, no caller code.
    const claimed = await this.store.write(
      async (session) => {
        const claim = await session.claimConsumer(this.key, this.owner, this.leaseMs);
        if (claim?.isNew) await this.checkNew?.(session);
        return claim;
      },
      undefined,
      NO_CALLER_CODE,
    );
    this.holding = claimed !== undefined;
    if (claimed && previous !== null && previous !== this.owner) telemetry.leaseTakenOver?.(this.key, previous);
    return claimed;
  }

  /** The instance holding the lease (perhaps one whose lease ran out), if any. */
  async holder(): Promise<string | null> {
    return (await this.store.readOnly((session) => session.readCheckpoint(this.key)))?.leaseOwner ?? null;
  }

  /** Gives the lease up if this instance holds it. */
  async release(): Promise<void> {
    this.holding = false;
    await this.store.write((session) => session.releaseConsumer(this.key, this.owner), undefined, NO_CALLER_CODE);
  }
}
