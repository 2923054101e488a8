import { InvalidArgumentError } from '@es/core';
import type { SqlDialectName } from '@es/core/sql';
import type { Options } from '@mikro-orm/core';
import { esEntities } from './models/index.js';

export interface ConfigureModelsOptions {
  /** Table-name prefix (default `es_`); the backend must use the same. */
  readonly tablePrefix?: string;
  /** Needed only when `options.driver` is not set (the driver's `defineConfig` sets it). */
  readonly dialect?: SqlDialectName;
}

/**
 * Returns your MikroORM options with the store's entities appended to `entities` (and to
 * `entitiesTs` when you use it), so `mikro-orm migration:create` writes their tables into your
 * next migration and the schema diff keeps them.
 *
 * ```ts
 * export default configureModels(defineConfig({ entities: [Order], ... }));
 * ```
 */
export function configureModels<O extends Partial<Options>>(options: O, settings: ConfigureModelsOptions = {}): O {
  const dialect = settings.dialect ?? dialectOfDriver(options.driver);
  const entities = Object.values(esEntities(dialect, { tablePrefix: settings.tablePrefix }));
  return {
    ...options,
    entities: [...(options.entities ?? []), ...entities],
    // MikroORM discovers from `entitiesTs` instead of `entities` when it runs TypeScript sources.
    ...(options.entitiesTs?.length && { entitiesTs: [...options.entitiesTs, ...entities] }),
  };
}

const DRIVER_DIALECTS: Record<string, SqlDialectName> = {
  PostgreSqlDriver: 'postgres',
  MySqlDriver: 'mysql',
  SqliteDriver: 'sqlite',
};

/** The driver class or one of its ancestors (MariaDbDriver extends MySqlDriver, say). */
function dialectOfDriver(driver: unknown): SqlDialectName {
  for (let type = driver; typeof type === 'function'; type = Object.getPrototypeOf(type)) {
    const dialect = DRIVER_DIALECTS[type.name];
    if (dialect) return dialect;
  }
  throw new InvalidArgumentError(
    'configureModels: cannot tell the dialect from options.driver; pass { dialect: "postgres" | "mysql" | "sqlite" }',
  );
}
