export { createDrizzleBackend } from './anyDatabase.js';
export type { DrizzleBackend, DrizzleBackendOptions } from './backend.js';
export type {
  DrizzleDatabase,
  DrizzleMySqlDatabase,
  DrizzlePgDatabase,
  DrizzleSqliteDatabase,
  DrizzleTransactionOf,
} from './database.js';
export * from './models/index.js';
