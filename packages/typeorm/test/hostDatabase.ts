// A host application's database for the tests of joining its transactions: its own entity
// (an account) beside the store's tables, created by a migration TypeORM generates, on each dialect.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '@es/testing/targets';
import { configureModels } from '@es/typeorm';
import { DataSource, type DataSourceOptions, EntitySchema } from 'typeorm';
import { generateMigration } from './support/index.ts';

export class Account {
  id!: string;
  owner!: string;
}

export const hostDialects = ['postgres', 'mysql', 'sqlite'] as const;
export type HostDialect = (typeof hostDialects)[number];

function connection(dialect: HostDialect, prefix: string): DataSourceOptions {
  switch (dialect) {
    case 'postgres':
      return { type: 'postgres', url: testDatabases.postgres('es_typeorm') };
    case 'mysql':
      return { type: 'mariadb', url: testDatabases.mysql('es_typeorm') };
    case 'sqlite':
      return { type: 'better-sqlite3', database: join(tmpdir(), `es-typeorm-${prefix}host.sqlite`), timeout: 0 };
  }
}

/** The host's DataSource options on `dialect`: its accounts and the store's tables, all named with `prefix`. */
export function hostOptions(dialect: HostDialect, prefix: string): DataSourceOptions {
  const accounts = new EntitySchema<Account>({
    name: 'Account',
    target: Account,
    tableName: `${prefix}accounts`,
    columns: { id: { type: 'varchar', length: 100, primary: true }, owner: { type: 'varchar', length: 100 } },
  });
  return configureModels(
    {
      ...connection(dialect, prefix),
      entities: [accounts],
      migrationsTableName: `${prefix}migrations`,
    } as DataSourceOptions,
    { tablePrefix: prefix },
  );
}

/** Drops the tables these options name, then creates them as the host would: a generated migration, run. */
export async function migratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const reset = await new DataSource(options).initialize();
  const runner = reset.createQueryRunner();
  for (const entity of reset.entityMetadatas) await runner.dropTable(entity.tablePath, true);
  await runner.dropTable(options.migrationsTableName as string, true);
  await reset.destroy();
  // What `typeorm migration:generate` would write, run like any migration of the host.
  const { migration } = await generateMigration(options, 'CreateTables');
  const dataSource = await new DataSource({ ...options, migrations: [migration] }).initialize();
  await dataSource.runMigrations();
  return dataSource;
}
