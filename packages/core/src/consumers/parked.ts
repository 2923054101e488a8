import type { BackendSession, ConsumerCheckpoint, ConsumerKey, ParkedEvent } from '../backend/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { EventStore } from '../store/eventStore.js';
import { describeFailure } from '../util/describeFailure.js';
import { ConsumerHeldError } from './errors.js';
import type { ConsumerOptions, ParkedSummary } from './options.js';

export function summarizeParked(parked: ParkedEvent): ParkedSummary {
  return {
    position: parked.event.position,
    eventId: parked.event.eventId,
    type: parked.event.type,
    stream: parked.event.stream,
    error: parked.error,
    attempts: parked.attempts,
    parkedAt: parked.parkedAt,
    halted: parked.halted,
  };
}

/**
 * The events a consumer's failure policy set aside, for an operator: look at them, run them through
 * the handler again, or skip them. A halted event is where the consumer stands: retrying it with
 * success, or skipping it, moves the consumer's checkpoint past it and the consumer goes on.
 */
/** What of its consumer the parked list works with. */
interface ParkedEventsOf<TEvents extends AnyEventDefinition, THandle> {
  readonly store: EventStore<TEvents, THandle>;
  readonly key: ConsumerKey;
  readonly owner: string;
  readonly handle: ConsumerOptions<TEvents, THandle>['handle'];
  claim(): Promise<ConsumerCheckpoint | undefined>;
  holder(): Promise<string | null>;
}

export class ParkedEvents<TEvents extends AnyEventDefinition, THandle> {
  constructor(private readonly consumer: ParkedEventsOf<TEvents, THandle>) {}

  /** In log order, the first `limit`. */
  async list(limit = 100): Promise<ParkedSummary[]> {
    const { store, key } = this.consumer;
    return (await store.readOnly((session) => session.listParked(key, limit))).map(summarizeParked);
  }

  /**
   * Runs each parked event (all, or those at `positions`) through the handler again, each in a
   * transaction that also removes it from the list; one that fails again stays, with its new error.
   * Returns how many were handled.
   */
  async retry(positions?: readonly bigint[]): Promise<number> {
    let handled = 0;
    for (const parked of await this.selected(positions)) {
      try {
        await this.settle(parked, async (session, store) => {
          const [opened] = await store.openStored([parked.event], session);
          const event = store.reviveStored(opened ?? parked.event);
          await this.consumer.handle([event], { transaction: session.handle as THandle, store });
        });
        handled++;
      } catch (error) {
        if (error instanceof ConsumerHeldError) throw error;
        const { store, key } = this.consumer;
        await store.write((session) =>
          session.parkEvent(key, {
            position: parked.event.position,
            error: describeFailure(error),
            attempts: parked.attempts + 1,
            halted: parked.halted,
          }),
        );
      }
    }
    return handled;
  }

  /** Removes parked events (all, or those at `positions`) without handling them; how many. */
  async skip(positions?: readonly bigint[]): Promise<number> {
    let skipped = 0;
    for (const parked of await this.selected(positions)) {
      await this.settle(parked, async () => {});
      skipped++;
    }
    return skipped;
  }

  private async selected(positions: readonly bigint[] | undefined): Promise<ParkedEvent[]> {
    const { store, key } = this.consumer;
    const all = await store.readOnly((session) => session.listParked(key, Number.MAX_SAFE_INTEGER));
    return positions ? all.filter((parked) => positions.includes(parked.event.position)) : all;
  }

  /** Runs `work` and removes the parked event in one transaction; a halted one also moves the
   * checkpoint past it, which takes the consumer's lease. */
  private async settle(
    parked: ParkedEvent,
    work: (session: BackendSession<THandle>, store: EventStore<TEvents, THandle>) => Promise<void>,
  ): Promise<void> {
    const { store, key, claim, holder } = this.consumer;
    const claimed = parked.halted ? await claim() : undefined;
    if (parked.halted && !claimed) throw new ConsumerHeldError(key.name, await holder());
    await store.write(async (session) => {
      await work(session, store.withSession(session));
      await session.removeParked(key, [parked.event.position]);
      if (claimed) {
        const past = { transactionId: parked.event.transactionId, position: parked.event.position };
        if (!(await session.storeCheckpoint(key, this.consumer.owner, claimed.position, past))) {
          throw new ConsumerHeldError(key.name, null);
        }
      }
    });
  }
}
