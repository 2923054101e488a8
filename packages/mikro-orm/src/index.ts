export { mikroOrmContext } from './ambientContext.js';
export { createMikroOrmBackend, type MikroOrmBackend, type MikroOrmBackendOptions } from './backend.js';
export { type ConfigureModelsOptions, configureModels } from './configureModels.js';
export type { MikroOrmHandle } from './connection.js';
export * from './models/index.js';
