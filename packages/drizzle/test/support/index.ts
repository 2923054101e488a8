export { generateMigrationSql } from './migrations.ts';
export { drizzleTarget } from './target.ts';
