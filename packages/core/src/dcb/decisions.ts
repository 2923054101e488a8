import type { LogPosition } from '../backend/log.js';
import { AppendConditionFailedError } from '../errors/index.js';
import type { AnyEventDefinition, EventInputOf, EventOf, EventTypeOf } from '../events/defineEvent.js';
import type { EventMetadata } from '../events/metadata.js';
import type { EventStore } from '../store/eventStore.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import { retryOnConflict } from '../util/retryOnConflict.js';
import type { Query } from './query.js';

/**
 * A decision over a dynamic consistency boundary: the decider's `initialState`, `evolve` and
 * `decide`, with the query that selects the events it decides from (instead of a stream).
 */
export interface DecisionModel<TState, TCommand, TEvents extends AnyEventDefinition> {
  /** The events the decision depends on: read before deciding, and the append's condition. */
  query(command: TCommand): Query<EventTypeOf<TEvents>>;
  initialState(command: TCommand): TState;
  evolve(state: TState, event: EventOf<TEvents>): TState;
  /** Returns the events the command causes (none is fine); throw to reject the command. */
  decide(command: TCommand, state: TState): EventInputOf<TEvents> | readonly EventInputOf<TEvents>[];
}

export interface DecideOptions {
  readonly metadata?: EventMetadata;
  /** Read and decide again this many times when a matching event was appended meanwhile (default 0). */
  readonly retries?: number;
}

export interface DecisionState<TState> {
  readonly state: TState;
  /** Where the read stood: the `after` of the append's condition. */
  readonly position: LogPosition;
}

export interface Decided<TState, TEvents extends AnyEventDefinition> extends DecisionState<TState> {
  readonly events: RecordedEventOf<TEvents>[];
  /** How many times the command was decided again after its condition failed. */
  readonly retried: number;
}

/** Events read per page while folding the state. */
const PAGE = 1000;

/**
 * Runs decisions over a store: reads the events the command's query matches, folds them, decides,
 * and appends the decided events on the condition that no event matching the query was appended
 * after the read (an `AppendConditionFailedError` otherwise, retried as `retries` says).
 */
export class DecisionRepository<TState, TCommand, TEvents extends AnyEventDefinition, THandle = never> {
  constructor(
    readonly store: EventStore<TEvents, THandle>,
    private readonly model: DecisionModel<TState, TCommand, TEvents>,
  ) {}

  /** The same repository joined to the host's open transaction. */
  withTransaction(handle: THandle): DecisionRepository<TState, TCommand, TEvents, THandle> {
    return new DecisionRepository(this.store.withTransaction(handle), this.model);
  }

  /** The state the command would be decided on, and the position it was read up to. */
  async load(command: TCommand): Promise<DecisionState<TState>> {
    const { model } = this;
    const query = model.query(command);
    let state = model.initialState(command);
    let position: LogPosition | undefined;
    for (;;) {
      const page = await this.store.read(query, { limit: PAGE, ...(position && { after: position }) });
      for (const event of page.events) state = model.evolve(state, event as unknown as EventOf<TEvents>);
      position = page.next;
      if (page.events.length < PAGE) return { state, position };
    }
  }

  /** Loads, decides and appends on the read's condition; decides again on a failed condition, up to `retries` times. */
  async handle(command: TCommand, options: DecideOptions = {}): Promise<Decided<TState, TEvents>> {
    return retryOnConflict(
      options.retries,
      (error) => error instanceof AppendConditionFailedError,
      () => this.handleOnce(command, options.metadata),
    );
  }

  private async handleOnce(command: TCommand, metadata: EventMetadata | undefined) {
    const { model } = this;
    const { state, position } = await this.load(command);
    const decided = model.decide(command, state);
    const list = (Array.isArray(decided) ? decided : [decided]) as EventInputOf<TEvents>[];
    if (list.length === 0) return { state, position, events: [] as RecordedEventOf<TEvents>[] };
    const result = await this.store.append(list, {
      condition: { failIfEventsMatch: model.query(command), after: position },
      ...(metadata && { metadata }),
    });
    let next = state;
    for (const event of result.events) next = model.evolve(next, event as unknown as EventOf<TEvents>);
    const last = result.events.at(-1);
    return {
      state: next,
      position: last ? { transactionId: last.transactionId, position: last.position } : position,
      events: result.events,
    };
  }
}

export function createDecisionRepository<TState, TCommand, TEvents extends AnyEventDefinition, THandle>(
  store: EventStore<TEvents, THandle>,
  model: DecisionModel<TState, TCommand, TEvents>,
): DecisionRepository<TState, TCommand, TEvents, THandle> {
  return new DecisionRepository(store, model);
}
