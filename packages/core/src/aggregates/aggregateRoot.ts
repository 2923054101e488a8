import type { AnyEventDefinition, EventInputOf, EventOf } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import type { EventStore } from '../store/eventStore.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import { crossesSnapshotPoint, loadFromSnapshot, type SnapshotPolicy } from './snapshotPolicy.js';

/**
 * A class-based aggregate. Behaviour methods call `raise(event)`, which applies the event to
 * the instance and queues it; the repository appends the queue with the loaded version as the
 * expected version.
 */
export abstract class AggregateRoot<TEvents extends AnyEventDefinition, TSnapshot = never> {
  private pendingEvents: EventInputOf<TEvents>[] = [];
  private loadedVersion = 0;

  constructor(readonly id: string) {}

  /** The stream version this instance was loaded (or last saved) at. */
  get version(): number {
    return this.loadedVersion;
  }

  get uncommittedEvents(): readonly EventInputOf<TEvents>[] {
    return this.pendingEvents;
  }

  /** Mutates state for one event; called for history and for newly raised events alike. */
  protected abstract apply(event: EventOf<TEvents>): void;

  protected raise(event: EventInputOf<TEvents>): void {
    this.apply(event as EventOf<TEvents>);
    this.pendingEvents.push(event);
  }

  /** Override both to use snapshots. */
  toSnapshot?(): TSnapshot;
  restoreSnapshot?(snapshot: TSnapshot): void;

  /** Applies `events` as history (nothing pending), leaving the aggregate at `version`: what the repository does on load. */
  replay(events: readonly EventOf<TEvents>[], version: number): void {
    for (const event of events) this.apply(event);
    this.loadedVersion = version;
  }

  /** @internal used by the repository */
  markSaved(version: number): void {
    this.pendingEvents = [];
    this.loadedVersion = version;
  }
}

export interface AggregateRepositoryOptions<TAggregate> {
  readonly category: string;
  readonly create: (id: string) => TAggregate;
  /** Requires the aggregate to implement `toSnapshot` and `restoreSnapshot`. */
  readonly snapshots?: SnapshotPolicy;
}

export class AggregateRepository<
  TEvents extends AnyEventDefinition,
  TAggregate extends AggregateRoot<TEvents, unknown>,
  THandle = never,
> {
  constructor(
    readonly store: EventStore<TEvents, THandle>,
    private readonly options: AggregateRepositoryOptions<TAggregate>,
  ) {}

  withTransaction(handle: THandle): AggregateRepository<TEvents, TAggregate, THandle> {
    return new AggregateRepository(this.store.withTransaction(handle), this.options);
  }

  async load(id: string): Promise<TAggregate> {
    const aggregate = this.options.create(id);
    const loaded = await loadFromSnapshot<TEvents, unknown, THandle>(
      this.store,
      this.stream(id),
      aggregate.restoreSnapshot ? this.options.snapshots : undefined,
    );
    if (loaded.snapshot) aggregate.restoreSnapshot?.(loaded.snapshot.state);
    const version = loaded.events.at(-1)?.version ?? loaded.snapshot?.version ?? 0;
    aggregate.replay(loaded.events as unknown as EventOf<TEvents>[], version);
    return aggregate;
  }

  /** Appends the aggregate's raised events; throws ConcurrencyError if the stream moved on. */
  async save(aggregate: TAggregate, options: { metadata?: EventMetadata } = {}): Promise<RecordedEventOf<TEvents>[]> {
    const pending = aggregate.uncommittedEvents;
    if (pending.length === 0) return [];
    const { snapshots } = this.options;
    return this.store.transaction(async (store) => {
      const result = await store.append(this.stream(aggregate.id), pending, {
        expectedVersion: aggregate.version,
        ...(options.metadata && { metadata: options.metadata }),
      });
      if (aggregate.toSnapshot && crossesSnapshotPoint(snapshots, aggregate.version, result.nextExpectedVersion)) {
        await store.saveSnapshot(
          this.stream(aggregate.id),
          {
            version: result.nextExpectedVersion,
            state: aggregate.toSnapshot(),
            schemaVersion: snapshots?.schemaVersion ?? 1,
          },
          snapshots?.personal ? { personal: snapshots.personal } : {},
        );
      }
      aggregate.markSaved(result.nextExpectedVersion);
      return result.events;
    });
  }

  private stream(id: string) {
    return { category: this.options.category, id };
  }
}

export function createAggregateRepository<
  TEvents extends AnyEventDefinition,
  TAggregate extends AggregateRoot<TEvents, unknown>,
  THandle,
>(
  store: EventStore<TEvents, THandle>,
  options: AggregateRepositoryOptions<TAggregate>,
): AggregateRepository<TEvents, TAggregate, THandle> {
  return new AggregateRepository(store, options);
}
