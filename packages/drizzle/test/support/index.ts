export { generateMigrationSql } from './migrations.js';
export { type Dialect, drizzleTarget } from './target.js';
