import type { AggregateRoot, AnyEventDefinition, EventInputOf, EventOf } from '@es/core';

/**
 * Given/when/then for class-based aggregates: replays history into a fresh instance, runs the
 * behaviour, and returns the events it raised (as `{ type, data }`).
 */
export function givenAggregate<TEvents extends AnyEventDefinition, TAggregate extends AggregateRoot<TEvents, unknown>>(
  create: () => TAggregate,
  history: readonly EventOf<TEvents>[] = [],
) {
  const aggregate = create();
  aggregate.replay(history, history.length);
  return {
    aggregate,
    when(behaviour: (aggregate: TAggregate) => void): readonly EventInputOf<TEvents>[] {
      behaviour(aggregate);
      return aggregate.uncommittedEvents.map(
        (event) => ({ type: event.type, data: event.data }) as EventInputOf<TEvents>,
      );
    },
  };
}
