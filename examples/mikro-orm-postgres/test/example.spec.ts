import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';

const root = fileURLToPath(new URL('..', import.meta.url));
const migrations = join(root, 'src/migrations');
const mikroOrmCli = join(dirname(createRequire(import.meta.url).resolve('@mikro-orm/cli/package.json')), 'cli.js');
const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** Runs a command in the example's folder as a user would, returning its output. */
const run = (...args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
// MikroORM's CLI looks for src/mikro-orm.config.ts by itself only when it finds a TypeScript loader
// (tsx, swc ...); named with --config, the file loads either way (Node >= 22.18 strips the types).
const mikroOrm = (...args: string[]) => run(mikroOrmCli, ...args, '--config', 'src/mikro-orm.config.ts');

beforeAll(async () => {
  // A fresh start: the example's tables only (the database is shared with other examples).
  const orm = await MikroORM.init({
    clientUrl: `${server}/es_examples`,
    entities: [],
    discovery: { warnWhenNoEntities: false },
  });
  const connection = orm.em.getConnection();
  const tables: { tablename: string }[] = await connection.execute(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'ex\\_mikro\\_%'",
  );
  for (const { tablename } of tables) await connection.execute(`DROP TABLE "${tablename}" CASCADE`);
  await orm.close();
});

test('the MikroORM CLI creates the tables from the committed migration, and it matches the models', () => {
  expect(mikroOrm('migration:up')).toMatch(/Applied 'Migration\d+_ShopTables'/);
  // Diffing the migrated database against the models again finds nothing.
  expect(mikroOrm('migration:check')).toContain('No changes required, schema is up-to-date');
  const before = readdirSync(migrations);
  expect(mikroOrm('migration:create', '--name', 'Drift')).toContain('No changes required, schema is up-to-date');
  expect(readdirSync(migrations)).toEqual(before);
});

test('pnpm start: the order rows and the events commit together, or not at all', () => {
  const output = run('src/main.ts');
  expect(output).toMatch(/placed (order-\w+-a) \(PO-\w+-1\) for 28\.00\npaid \1\n/);
  expect(output).toMatch(/refused order-\w+-c: reference PO-\w+-1 is taken/);
  expect(output).toMatch(/refused the batch order-\w+-b, order-\w+-a: order-\w+-a exists at version 2/);
  expect(output).toMatch(/order-\w+-a: paid, 28\.00 at version 2; events 1:OrderPlaced, 2:OrderPaid/);
  // The failed operations left no trace: neither a row nor an event.
  expect(output).toMatch(/order-\w+-b: no row; events none/);
  expect(output).toMatch(/order-\w+-c: no row; events none/);
});
