export { type GeneratedMigration, generateMigration, type MigrationQuery } from './migrations.js';
export { type Dialect, typeormTarget } from './target.js';
