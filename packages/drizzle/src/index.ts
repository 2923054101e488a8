export { createDrizzleBackend, type DrizzleBackend, type DrizzleBackendOptions } from './backend.js';
export {
  asyncConnection,
  type DrizzleAsyncHandle,
  DrizzleSqliteConnection,
  type DrizzleSqliteHandle,
  toDrizzleSql,
} from './connection.js';
export * from './models/index.js';
