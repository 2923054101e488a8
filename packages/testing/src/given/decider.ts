import type { AnyEventDefinition, Decider, EventInputOf, EventOf } from '@es/core';

export interface DeciderSpecification<TState, TCommand, TEvents extends AnyEventDefinition> {
  /** The state after `history` is folded; `when` then runs the command against it. */
  when(command: TCommand): DeciderOutcome<TState, TEvents>;
}

export interface DeciderOutcome<TState, TEvents extends AnyEventDefinition> {
  /** The events the command decided (as `{ type, data }`), or throws if it rejected. */
  readonly events: readonly EventInputOf<TEvents>[];
  /** The state after the decided events, or throws if the command was rejected. */
  readonly state: TState;
  /** The error the command was rejected with, or undefined. */
  readonly error: unknown;
}

/**
 * Given/when/then for deciders, with no store involved:
 * `const { events, state } = given(decider, [opened]).when({ kind: 'deposit', amount: 5 })`.
 */
export function given<TState, TCommand, TEvents extends AnyEventDefinition>(
  decider: Decider<TState, TCommand, TEvents>,
  history: readonly EventOf<TEvents>[] = [],
): DeciderSpecification<TState, TCommand, TEvents> {
  return {
    when(command) {
      const before = history.reduce(decider.evolve, decider.initialState());
      let decided: readonly EventInputOf<TEvents>[] = [];
      let error: unknown;
      try {
        const result = decider.decide(command, before);
        decided = Array.isArray(result) ? result : [result as EventInputOf<TEvents>];
      } catch (thrown) {
        error = thrown;
      }
      const plain = decided.map((event) => ({ type: event.type, data: event.data }) as EventInputOf<TEvents>);
      return {
        error,
        get events() {
          if (error !== undefined) throw error;
          return plain;
        },
        get state() {
          if (error !== undefined) throw error;
          return decided.reduce((state, event) => decider.evolve(state, event as EventOf<TEvents>), before);
        },
      };
    },
  };
}
