// `@es/nestjs`: the event store in a Nest application. The health indicator for
// `@nestjs/terminus` is `@es/nestjs/terminus`.
export { EsModule } from './esModule.js';
export { EsExceptionFilter, toHttpException } from './exceptionFilter.js';
export type {
  AggregateFeature,
  DeciderFeature,
  EsFeatureOptions,
  EsModuleAsyncOptions,
  EsModuleOptions,
} from './options.js';
export {
  EVENT_STORE,
  getAggregateRepositoryToken,
  getDeciderRepositoryToken,
  InjectAggregateRepository,
  InjectDeciderRepository,
  InjectEventStore,
} from './tokens.js';
export { type TransactionHostLike, transactionHostContext } from './transactionHostContext.js';
export { EsWorkers } from './workers.js';
