export { mysqlMigrationStatements } from './mysqlMigrationStandIn.ts';
export { applyMigrations, executeMigrationScript, migrationSql, type SchemaFile } from './schemaEngine.ts';
export {
  type Dialect,
  type HostTransaction,
  hostSchemaFiles,
  openHostClient,
  openHostPool,
  prismaTarget,
  sqliteTestFile,
} from './target.ts';
