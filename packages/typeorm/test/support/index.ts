export { type GeneratedMigration, generateMigration, type MigrationQuery } from './migrations.ts';
export { type Dialect, typeormTarget } from './target.ts';
