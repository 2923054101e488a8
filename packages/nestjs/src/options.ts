import type {
  AggregateRoot,
  AnyEventDefinition,
  ConsumerOptions,
  Decider,
  EventStoreOptions,
  OutboxRelayOptions,
  SnapshotPolicy,
} from '@es/core';
import type { ModuleMetadata } from '@nestjs/common';

/**
 * What `EsModule.forRoot` takes: the store's options (as `createEventStore` takes them), and the
 * consumers and outbox relays the module runs with the application.
 */
export interface EsModuleOptions<TEvents extends AnyEventDefinition = AnyEventDefinition, THandle = never>
  extends EventStoreOptions<TEvents, THandle> {
  /** Started on application bootstrap, stopped on shutdown (the batch in flight ends, the lease is given up). */
  readonly consumers?: readonly ConsumerOptions<TEvents, THandle>[];
  /** Started on application bootstrap, stopped on shutdown after the batch in flight. */
  readonly outboxRelays?: readonly OutboxRelayOptions<TEvents>[];
}

/** `EsModule.forRootAsync`: the options made by a factory, from the providers it injects. */
export interface EsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Tokens handed to `useFactory`, in order (a `TransactionHost`, a `DataSource` ...). */
  readonly inject?: readonly (string | symbol | Function)[];
  // biome-ignore lint/suspicious/noExplicitAny: the injected providers' types are the caller's
  readonly useFactory: (...injected: any[]) => EsModuleOptions<any, any> | Promise<EsModuleOptions<any, any>>;
}

/** A decider repository `EsModule.forFeature` registers, injected with `@InjectDeciderRepository(category)`. */
export interface DeciderFeature<
  TState = unknown,
  TCommand = unknown,
  TEvents extends AnyEventDefinition = AnyEventDefinition,
> {
  readonly category: string;
  readonly decider: Decider<TState, TCommand, TEvents>;
  readonly snapshots?: SnapshotPolicy;
}

/** An aggregate repository `EsModule.forFeature` registers, injected with `@InjectAggregateRepository(Class)`. */
export interface AggregateFeature<
  TAggregate extends AggregateRoot<AnyEventDefinition, unknown> = AggregateRoot<AnyEventDefinition, unknown>,
> {
  /** The `AggregateRoot` class: its token, and (unless `create` says otherwise) `new aggregate(id)`. */
  readonly aggregate: abstract new (
    id: string,
  ) => TAggregate;
  readonly category: string;
  /** Makes an empty aggregate to load into (default `new aggregate(id)`; required for an abstract class). */
  readonly create?: (id: string) => TAggregate;
  readonly snapshots?: SnapshotPolicy;
}

/** What `EsModule.forFeature` registers in the importing module. */
export interface EsFeatureOptions {
  readonly deciders?: readonly DeciderFeature[];
  readonly aggregates?: readonly AggregateFeature[];
}
