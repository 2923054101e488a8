export { createTypeOrmBackend, type TypeOrmBackend, type TypeOrmBackendOptions } from './backend.js';
export { configureModels } from './configureModels.js';
export { entityManagerOf, type TypeOrmHandle } from './handle.js';
export { createModels, type EsModels, type ModelOptions, modelList } from './models/index.js';
export { type TypeormTransactionalContextOptions, typeormTransactionalContext } from './typeormTransactionalContext.js';
