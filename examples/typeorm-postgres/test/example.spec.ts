import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';

const root = fileURLToPath(new URL('..', import.meta.url));
const typeormCli = createRequire(import.meta.url).resolve('typeorm/cli.js');
const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Runs a command in the example's folder as a user would, returning its output. */
const run = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
const typeorm = (...args: string[]) => run(typeormCli, ...args, '--dataSource', 'src/dataSource.ts');

beforeAll(async () => {
  // A fresh start: the example's tables only (the database is shared with other examples).
  const database = await new DataSource({ type: 'postgres', url: `${server}/es_examples` }).initialize();
  const tables: { tablename: string }[] = await database.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'ex\\_typeorm\\_%'",
  );
  const runner = database.createQueryRunner();
  for (const { tablename } of tables) await runner.dropTable(tablename);
  await runner.release();
  await database.destroy();
});

test('the TypeORM CLI creates the tables from the committed migration, and it matches the models', () => {
  expect(typeorm('migration:run')).toMatch(/Migration BankTables\d+ has been executed successfully/);
  // Generating again finds nothing: the migration holds exactly the shipped models.
  expect(typeorm('migration:generate', '--check', 'src/migrations/Drift')).toContain(
    'No changes in database schema were found',
  );
});

test('pnpm start: the account rows and the events commit together, or not at all', () => {
  const output = run('src/main.ts');
  expect(output).toMatch(/transferred 30\.00 from ada-\w+ to grace-\w+/);
  expect(output).toMatch(/refused 10\.00 from ada-\w+ to nobody-\w+: no account nobody-\w+/);
  expect(output).toMatch(/refused 500\.00 from ada-\w+ to grace-\w+: ada-\w+ has 70\.00/);
  // The failed transfers left no trace: neither a row change nor an event.
  expect(output).toContain('Ada: 70.00 at version 3; events 1:AccountOpened, 2:MoneyDeposited, 3:MoneyWithdrawn');
  expect(output).toContain('Grace: 30.00 at version 2; events 1:AccountOpened, 2:MoneyDeposited');
});
