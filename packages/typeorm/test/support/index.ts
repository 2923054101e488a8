export { type GeneratedMigration, generateMigration, type MigrationQuery } from './migrations.ts';
export { typeormTarget } from './target.ts';
