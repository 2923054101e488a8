export { createDrizzleBackend, type DrizzleBackend, type DrizzleBackendOptions } from './backend.js';
export type { DrizzleDatabase, DrizzleTransactionOf } from './database.js';
export * from './models/index.js';
