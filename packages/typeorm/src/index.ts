export { createTypeOrmBackend, type TypeOrmBackend, type TypeOrmBackendOptions } from './backend.js';
export { configureModels } from './configureModels.js';
export { TypeOrmSqlConnection } from './connection.js';
export { entityManagerOf, type TypeOrmHandle } from './handle.js';
export { createModels, type EsModels, type ModelOptions, modelList } from './models/index.js';
export { TypeOrmSqliteConnection } from './sqliteConnection.js';
