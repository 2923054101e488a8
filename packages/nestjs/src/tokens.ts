import { Inject } from '@nestjs/common';

/** The EventStore `EsModule.forRoot` provides: inject it with `@InjectEventStore()`. */
export const EVENT_STORE = Symbol('EsEventStore');

/** The options `EsModule.forRoot` (or `forRootAsync`'s factory) gave. */
export const ES_MODULE_OPTIONS = Symbol('EsModuleOptions');

/** Injects the module's `EventStore`; type the parameter as `EventStore<YourEvents, YourOrmHandle>`. */
export const InjectEventStore = (): PropertyDecorator & ParameterDecorator => Inject(EVENT_STORE);

/** The token of the decider repository `EsModule.forFeature` registers for `category`. */
export function getDeciderRepositoryToken(category: string): string {
  return `EsDeciderRepository:${category}`;
}

/** The token of the repository `EsModule.forFeature` registers for an `AggregateRoot` class. */
export function getAggregateRepositoryToken(aggregate: abstract new (...args: never[]) => unknown): string {
  return `EsAggregateRepository:${aggregate.name}`;
}

/** Injects the `DeciderRepository` of `category` (registered with `EsModule.forFeature`). */
export const InjectDeciderRepository = (category: string): PropertyDecorator & ParameterDecorator =>
  Inject(getDeciderRepositoryToken(category));

/** Injects the `AggregateRepository` of an `AggregateRoot` class (registered with `EsModule.forFeature`). */
export const InjectAggregateRepository = (
  aggregate: abstract new (...args: never[]) => unknown,
): PropertyDecorator & ParameterDecorator => Inject(getAggregateRepositoryToken(aggregate));
