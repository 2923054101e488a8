// The application's database, and the file the TypeORM CLI is pointed at (`-d src/dataSource.ts`):
// `configureModels` adds the store's tables to the entities, so `typeorm migration:generate`
// writes them into the application's own migrations.
import { fileURLToPath } from 'node:url';
import { configureModels } from '@es/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AccountSummary, Deposit } from './entities.ts';

const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** What the Nest application connects with (TypeOrmModule). */
export const databaseOptions: DataSourceOptions = configureModels({
  type: 'postgres',
  url: process.env.DATABASE_URL ?? `${server}/es_example_nestjs_typeorm`,
  entities: [Deposit, AccountSummary],
});

/** The CLI's DataSource: the same, with the migrations it generated. */
export const dataSource = new DataSource({
  ...databaseOptions,
  migrations: [fileURLToPath(new URL('./migrations/*.js', import.meta.url))],
});
