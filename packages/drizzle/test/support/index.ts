export { generateMigrationSql } from './migrations.ts';
export { type Dialect, drizzleTarget } from './target.ts';
