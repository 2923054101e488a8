import { DataSource, type DataSourceOptions, type MigrationInterface, type QueryRunner } from 'typeorm';

export interface MigrationQuery {
  readonly query: string;
  readonly parameters?: unknown[];
}

export interface GeneratedMigration {
  /** The statements of `up()`, in order. Empty when the database already matches. */
  readonly up: readonly MigrationQuery[];
  /** The statements of `down()`, in order (already reversed). */
  readonly down: readonly MigrationQuery[];
  /** The migration as a class, for a DataSource's `migrations` and `dataSource.runMigrations()`. */
  readonly migration: new () => MigrationInterface;
}

/**
 * What `typeorm migration:generate` writes for these DataSource options against the database as
 * it is now: the same steps as the CLI command (a DataSource with synchronization off, its driver's
 * schema builder asked for the SQL), returned as a migration class instead of a file.
 */
export async function generateMigration(options: DataSourceOptions, name = 'Migration'): Promise<GeneratedMigration> {
  const dataSource = new DataSource({
    ...options,
    synchronize: false,
    migrationsRun: false,
    dropSchema: false,
    logging: false,
  } as DataSourceOptions);
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    const up = sql.upQueries.map(({ query, parameters }) => ({ query, parameters }));
    const down = sql.downQueries.map(({ query, parameters }) => ({ query, parameters })).reverse();
    return { up, down, migration: migrationClass(`${name}${Date.now()}`, up, down) };
  } finally {
    await dataSource.destroy();
  }
}

/** TypeORM's migration runner reads the timestamp from the last 13 digits of the class name. */
function migrationClass(className: string, up: readonly MigrationQuery[], down: readonly MigrationQuery[]) {
  const run = async (runner: QueryRunner, queries: readonly MigrationQuery[]) => {
    for (const { query, parameters } of queries) await runner.query(query, parameters);
  };
  const named = {
    [className]: class implements MigrationInterface {
      readonly name = className;
      up = (runner: QueryRunner) => run(runner, up);
      down = (runner: QueryRunner) => run(runner, down);
    },
  };
  return named[className] as new () => MigrationInterface;
}
