export { mysqlMigrationStatements } from './mysqlMigrationStandIn.js';
export { applyMigrations, executeMigrationScript, migrationSql, type SchemaFile } from './schemaEngine.js';
export {
  type Dialect,
  type HostTransaction,
  hostSchemaFiles,
  openHostClient,
  openHostPool,
  prismaTarget,
  sqliteTestFile,
} from './target.js';
