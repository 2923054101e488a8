import type { AnyEventDefinition, Consumer, EventStore, OutboxRelay, ProjectionContext } from '@es/core';

export type AnyStore = EventStore<AnyEventDefinition, unknown>;
export type AnyConsumer = Consumer<AnyEventDefinition, unknown>;
export type AnyRelay = OutboxRelay<AnyEventDefinition, unknown>;

/** A consumer, with what empties its read model when a rebuild starts over. */
export interface ConsumerEntry<TEvents extends AnyEventDefinition = AnyEventDefinition, THandle = unknown> {
  readonly consumer: Consumer<TEvents, THandle>;
  /**
   * Empties the consumer's read model, in the transaction that moves its checkpoint back to the
   * start: write through `context.transaction` as the consumer's handler does.
   */
  readonly clear?: (context: ProjectionContext<TEvents, THandle>) => Promise<void>;
}

/**
 * What an operator's tools look at: the application's store, its consumers and its outbox relays
 * (the objects its `es.config.ts` exports; never started by the tools).
 */
export interface Application<TEvents extends AnyEventDefinition = AnyEventDefinition, THandle = unknown> {
  readonly store: EventStore<TEvents, THandle>;
  readonly consumers?: readonly (Consumer<TEvents, THandle> | ConsumerEntry<TEvents, THandle>)[];
  readonly relays?: readonly OutboxRelay<TEvents, THandle>[];
}

/** The consumers given, each as `{ consumer, clear? }`. */
export function consumerEntries(application: Application<AnyEventDefinition, unknown>): ConsumerEntry[] {
  return (application.consumers ?? []).map((entry) => ('consumer' in entry ? entry : { consumer: entry }));
}
