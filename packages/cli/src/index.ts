// `@es/cli`: what an application's `es.config.ts` imports. The command itself is the `es` bin.
import type { AnyEventDefinition, Consumer, EventStore, OutboxRelay } from '@es/core';
import type { ConsumerEntry } from '@es/ui/operator';

/** A consumer, with what empties its read model when `es consumer rebuild` starts over. */
export type { ConsumerEntry } from '@es/ui/operator';

/** What the config module exports (as its default export, or as named exports). */
export interface EsConfig<TEvents extends AnyEventDefinition = AnyEventDefinition, THandle = unknown> {
  /** The application's store, over its own backend and tables. */
  readonly store: EventStore<TEvents, THandle>;
  /** The application's consumers, as made with `createConsumer` (never started by `es`). */
  readonly consumers?: readonly (Consumer<TEvents, THandle> | ConsumerEntry<TEvents, THandle>)[];
  /** The application's outbox relays, as made with `createOutboxRelay` (`es` never publishes). */
  readonly relays?: readonly OutboxRelay<TEvents, THandle>[];
  /** Called once the command is done: close what the module opened (pools, clients). */
  readonly close?: () => Promise<void> | void;
}

/** Types the config (or a function making it, awaited once the command needs the store). */
export function defineConfig<TEvents extends AnyEventDefinition, THandle>(
  config: EsConfig<TEvents, THandle> | (() => EsConfig<TEvents, THandle> | Promise<EsConfig<TEvents, THandle>>),
): typeof config {
  return config;
}
