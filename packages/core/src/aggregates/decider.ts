import { ConcurrencyError } from '../errors/index.js';
import type { AnyEventDefinition, EventInputOf, EventOf } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import type { EventStore } from '../store/eventStore.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import { retryOnConflict } from '../util/retryOnConflict.js';
import { crossesSnapshotPoint, loadFromSnapshot, type SnapshotPolicy } from './snapshotPolicy.js';

/** A functional aggregate: state is a fold of events, commands decide new events. */
export interface Decider<TState, TCommand, TEvents extends AnyEventDefinition> {
  initialState(): TState;
  evolve(state: TState, event: EventOf<TEvents>): TState;
  /** Returns the events the command causes (none is fine); throw to reject the command. */
  decide(command: TCommand, state: TState): EventInputOf<TEvents> | readonly EventInputOf<TEvents>[];
}

export interface DeciderRepositoryOptions<TState, TCommand, TEvents extends AnyEventDefinition> {
  readonly category: string;
  readonly decider: Decider<TState, TCommand, TEvents>;
  readonly snapshots?: SnapshotPolicy<TState>;
}

export interface HandleOptions {
  readonly metadata?: EventMetadata;
  /** Reload and decide again this many times when another writer got there first (default 0). */
  readonly retries?: number;
}

export interface Loaded<TState> {
  readonly state: TState;
  /** The stream version the state reflects (0 for a new stream). */
  readonly version: number;
}

export interface Handled<TState, TEvents extends AnyEventDefinition> extends Loaded<TState> {
  readonly events: RecordedEventOf<TEvents>[];
  /** How many times the command was decided again after a concurrency conflict. */
  readonly retried: number;
}

export class DeciderRepository<TState, TCommand, TEvents extends AnyEventDefinition, THandle = never> {
  constructor(
    readonly store: EventStore<TEvents, THandle>,
    private readonly options: DeciderRepositoryOptions<TState, TCommand, TEvents>,
  ) {}

  /** The same repository joined to the host's open transaction. */
  withTransaction(handle: THandle): DeciderRepository<TState, TCommand, TEvents, THandle> {
    return new DeciderRepository(this.store.withTransaction(handle), this.options);
  }

  async load(id: string): Promise<Loaded<TState>> {
    const { decider, snapshots } = this.options;
    const loaded = await loadFromSnapshot<TEvents, TState, THandle>(this.store, this.stream(id), snapshots);
    let state = loaded.snapshot ? loaded.snapshot.state : decider.initialState();
    let version = loaded.snapshot?.version ?? 0;
    for (const event of loaded.events) {
      state = decider.evolve(state, event as unknown as EventOf<TEvents>);
      version = event.version;
    }
    return { state, version };
  }

  /** Loads, decides, appends with the loaded version as expected version, snapshots per policy. */
  async handle(id: string, command: TCommand, options: HandleOptions = {}): Promise<Handled<TState, TEvents>> {
    return retryOnConflict(
      options.retries,
      (error) => error instanceof ConcurrencyError,
      () => this.handleOnce(id, command, options.metadata),
    );
  }

  private async handleOnce(id: string, command: TCommand, metadata: EventMetadata | undefined) {
    const { decider, snapshots } = this.options;
    return this.store.transaction(async (store) => {
      const repository = new DeciderRepository(store, this.options);
      const { state, version } = await repository.load(id);
      const decided = decider.decide(command, state);
      const list = (Array.isArray(decided) ? decided : [decided]) as EventInputOf<TEvents>[];
      if (list.length === 0) return { state, version, events: [] as RecordedEventOf<TEvents>[] };
      const result = await store.append(this.stream(id), list, {
        expectedVersion: version,
        ...(metadata && { metadata }),
      });
      let next = state;
      for (const event of result.events) next = decider.evolve(next, event as unknown as EventOf<TEvents>);
      if (crossesSnapshotPoint(snapshots, version, result.nextExpectedVersion)) {
        await store.saveSnapshot(
          this.stream(id),
          { version: result.nextExpectedVersion, state: next, schemaVersion: snapshots?.schemaVersion ?? 1 },
          snapshots?.personal ? { personal: snapshots.personal } : {},
        );
      }
      return { state: next, version: result.nextExpectedVersion, events: result.events };
    });
  }

  private stream(id: string) {
    return { category: this.options.category, id };
  }
}

export function createRepository<TState, TCommand, TEvents extends AnyEventDefinition, THandle>(
  store: EventStore<TEvents, THandle>,
  options: DeciderRepositoryOptions<TState, TCommand, TEvents>,
): DeciderRepository<TState, TCommand, TEvents, THandle> {
  return new DeciderRepository(store, options);
}
