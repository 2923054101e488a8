export { createPrismaBackend, type PrismaBackend, type PrismaBackendOptions } from './backend.js';
export { type ConfiguredModels, type ConfigureModelsOptions, configureModels } from './configureModels.js';
export type {
  PrismaClientLike,
  PrismaRawClient,
  PrismaTransactionClient,
  PrismaTransactionOptions,
} from './connection.js';
export {
  type ModelsOptions,
  modelNamePrefix,
  modelsFile,
  mysqlCollationMigration,
  type PrismaProvider,
  prismaModels,
  prismaProviders,
} from './models/index.js';
