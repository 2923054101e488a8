// A host application's PostgreSQL database for the tests of joining @nestjs-cls/transactional's
// transactions: its own entity (an account row) beside the store's tables, which TypeORM's schema
// builder creates from the shipped models.
import { configureModels } from '@es/typeorm';
import { DataSource, EntitySchema } from 'typeorm';

const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const postgresUrl = `${server}/es_nestjs`;

export class AccountRow {
  id!: string;
  owner!: string;
}

/** A DataSource on fresh tables named with `prefix`: the host's accounts and the store's. */
export async function freshDataSource(prefix: string): Promise<DataSource> {
  const accounts = new EntitySchema<AccountRow>({
    name: 'AccountRow',
    target: AccountRow,
    tableName: `${prefix}accounts`,
    columns: { id: { type: 'varchar', length: 100, primary: true }, owner: { type: 'varchar', length: 100 } },
  });
  const dataSource = new DataSource(
    configureModels({ type: 'postgres', url: postgresUrl, entities: [accounts] }, { tablePrefix: prefix }),
  );
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  for (const entity of dataSource.entityMetadatas) await runner.dropTable(entity.tablePath, true);
  await runner.release();
  await dataSource.synchronize();
  return dataSource;
}
