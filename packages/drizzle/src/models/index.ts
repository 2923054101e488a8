import { mysqlModels } from './mysql.js';
import { pgModels } from './postgres.js';
import { checkedDialect, type DrizzleDialect, type EsSchema, esSchema, type ModelOptions } from './schema.js';
import { sqliteModels } from './sqlite.js';

export { mysqlModels, pgModels, sqliteModels };
export type { DrizzleDialect, EsSchema, ModelOptions };

/**
 * The store's tables as Drizzle models, keyed for a schema module: export them from the file
 * drizzle.config.ts points at (`export const { esEvents, ... } = configureModels('postgresql')`)
 * and `drizzle-kit generate` writes them into your next migration.
 */
export function configureModels(dialect: 'postgresql', options?: ModelOptions): EsSchema<ReturnType<typeof pgModels>>;
export function configureModels(dialect: 'mysql', options?: ModelOptions): EsSchema<ReturnType<typeof mysqlModels>>;
export function configureModels(dialect: 'sqlite', options?: ModelOptions): EsSchema<ReturnType<typeof sqliteModels>>;
export function configureModels(dialect: DrizzleDialect, options: ModelOptions = {}) {
  const models = { postgresql: pgModels, mysql: mysqlModels, sqlite: sqliteModels }[checkedDialect(dialect)];
  return esSchema(models(options.tablePrefix));
}
