// The app's MikroORM config, and the file the MikroORM CLI reads (`mikro-orm ... --config
// src/mikro-orm.config.ts`, see package.json): `configureModels` adds the store's entities to
// `entities`, so `mikro-orm migration:create` writes their tables into the app's own migrations.
import { fileURLToPath } from 'node:url';
import { configureModels } from '@es/mikro-orm';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { Booking, Show, ShowSummary } from './entities.ts';

/** The store's table prefix; the backend is given the same. */
export const tablePrefix = 'ex_nest_mikro_es_';

const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export default configureModels(
  defineConfig({
    clientUrl: process.env.DATABASE_URL ?? `${server}/es_examples`,
    entities: [Show, Booking, ShowSummary],
    extensions: [Migrator],
    migrations: {
      path: fileURLToPath(new URL('./migrations', import.meta.url)),
      tableName: 'ex_nest_mikro_migrations',
      // Diff against the database itself rather than a snapshot file: `migration:check` then proves
      // that the migrated tables match the models.
      snapshot: false,
    },
    // es_examples is shared with the other examples: the schema diff sees this app's tables only.
    schemaGenerator: { skipTables: [/^(?!(\w+\.)?ex_nest_mikro_)/] },
  }),
  { tablePrefix },
);
