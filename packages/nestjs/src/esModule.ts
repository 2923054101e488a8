import {
  type AggregateRoot,
  type AnyEventDefinition,
  createAggregateRepository,
  createEventStore,
  createRepository,
  type EventStore,
} from '@es/core';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { AggregateFeature, EsFeatureOptions, EsModuleAsyncOptions, EsModuleOptions } from './options.js';
import { ES_MODULE_OPTIONS, EVENT_STORE, getAggregateRepositoryToken, getDeciderRepositoryToken } from './tokens.js';
import { EsWorkers } from './workers.js';

type AnyStore = EventStore<AnyEventDefinition, unknown>;

/** The store of the module's options (the keys that are not the store's are left out). */
function storeOf({ consumers, outboxRelays, ...store }: EsModuleOptions<AnyEventDefinition, unknown>): AnyStore {
  return createEventStore(store);
}

function newAggregate<TAggregate extends AggregateRoot<AnyEventDefinition, unknown>>(
  feature: AggregateFeature<TAggregate>,
): (id: string) => TAggregate {
  if (feature.create) return feature.create;
  const Aggregate = feature.aggregate as new (id: string) => TAggregate;
  return (id) => new Aggregate(id);
}

/**
 * The event store in a Nest application. `forRoot` (or `forRootAsync`) once, in the root module:
 * the store (`@InjectEventStore()`), and the consumers and outbox relays run with the application
 * (`EsWorkers`). The module is global, so `forFeature` in any module registers repositories on it.
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest module is a class; its dynamic forms are its static methods.
export class EsModule {
  static forRoot<TEvents extends AnyEventDefinition, THandle>(
    options: EsModuleOptions<TEvents, THandle>,
  ): DynamicModule {
    return EsModule.root([{ provide: ES_MODULE_OPTIONS, useValue: options }]);
  }

  static forRootAsync(options: EsModuleAsyncOptions): DynamicModule {
    const factory: Provider = {
      provide: ES_MODULE_OPTIONS,
      useFactory: options.useFactory,
      inject: [...(options.inject ?? [])],
    };
    return EsModule.root([factory], options.imports);
  }

  /**
   * Repositories for deciders (`@InjectDeciderRepository(category)`) and `AggregateRoot` classes
   * (`@InjectAggregateRepository(Class)`), on the store of `forRoot`.
   */
  static forFeature(feature: EsFeatureOptions): DynamicModule {
    const deciders = (feature.deciders ?? []).map(
      (decider): Provider => ({
        provide: getDeciderRepositoryToken(decider.category),
        useFactory: (store: AnyStore) => createRepository(store, decider),
        inject: [EVENT_STORE],
      }),
    );
    const aggregates = (feature.aggregates ?? []).map(
      (aggregate): Provider => ({
        provide: getAggregateRepositoryToken(aggregate.aggregate),
        useFactory: (store: AnyStore) =>
          createAggregateRepository(store, {
            category: aggregate.category,
            create: newAggregate(aggregate),
            ...(aggregate.snapshots && { snapshots: aggregate.snapshots }),
          }),
        inject: [EVENT_STORE],
      }),
    );
    const providers = [...deciders, ...aggregates];
    return { module: EsModule, providers, exports: providers };
  }

  private static root(options: Provider[], imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: EsModule,
      global: true,
      imports,
      providers: [...options, { provide: EVENT_STORE, useFactory: storeOf, inject: [ES_MODULE_OPTIONS] }, EsWorkers],
      exports: [EVENT_STORE, EsWorkers],
    };
  }
}
