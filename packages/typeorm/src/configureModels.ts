import type { DataSourceOptions } from 'typeorm';
import { dialectOf } from './dialect.js';
import { createModels, type ModelOptions, modelList } from './models/index.js';

/**
 * Your DataSource options with the store's tables added to `entities`. Use it where you build the
 * DataSource your migrations are generated from (the file given to `typeorm -d`), and
 * `typeorm migration:generate` writes the store's tables into your next migration:
 *
 * ```ts
 * export default new DataSource(configureModels({ type: 'postgres', entities: [Account], ... }));
 * ```
 */
export function configureModels<Options extends DataSourceOptions>(
  options: Options,
  modelOptions: ModelOptions = {},
): Options {
  const models = modelList(createModels(dialectOf(options.type), modelOptions));
  const { entities } = options;
  return {
    ...options,
    entities:
      entities === undefined
        ? models
        : Array.isArray(entities)
          ? [...entities, ...models]
          : { ...entities, ...Object.fromEntries(models.map((model) => [model.options.name, model])) },
  };
}
