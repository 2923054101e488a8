// The application's DataSource, and the file the TypeORM CLI is pointed at (`-d src/dataSource.ts`):
// `configureModels` adds the store's tables to the entities, so `typeorm migration:generate`
// writes them into the application's own migrations.
import { fileURLToPath } from 'node:url';
import { configureModels } from '@es/typeorm';
import { DataSource } from 'typeorm';
import { Account } from './entities.ts';

/** The store's table prefix; the backend is given the same. */
export const tablePrefix = 'ex_typeorm_es_';

const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export const dataSource = new DataSource(
  configureModels(
    {
      type: 'postgres',
      url: process.env.DATABASE_URL ?? `${server}/es_examples`,
      entities: [Account],
      migrations: [fileURLToPath(new URL('./migrations/*.js', import.meta.url))],
      migrationsTableName: 'ex_typeorm_migrations',
    },
    { tablePrefix },
  ),
);
