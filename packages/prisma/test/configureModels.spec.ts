import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@es/core';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { configureModels, prismaModels } from '../src/index.js';
import { migrationSql, mysqlMigrationStatements, type SchemaFile } from './support/index.ts';

const datasource = (provider: string) => `datasource db {\n  provider = "${provider}"\n}\n`;
const userModel = 'model User {\n  id Int @id\n}\n';

let project: string;
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'es-prisma-configure-'));
});
afterEach(() => rm(project, { recursive: true, force: true }));

async function schemaFolder(folder: string): Promise<SchemaFile[]> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.prisma')).sort();
  return Promise.all(names.map(async (name) => ({ path: name, content: await readFile(join(folder, name), 'utf8') })));
}

/** The tables `prisma migrate dev` would create for a SQLite schema (Prisma's schema engine). */
async function sqliteTables(files: SchemaFile[]): Promise<string[]> {
  const sql = await migrationSql(files, new PrismaBetterSqlite3({ url: ':memory:' }));
  return [...sql.matchAll(/CREATE TABLE "(\w+)"/g)].map((match) => match[1]!).sort();
}

describe('configureModels', () => {
  it("writes <prefix>models.prisma into the schema folder named by the host's prisma.config.ts", async () => {
    await writeFile(join(project, 'prisma.config.ts'), "export default { schema: 'db/schema' };\n");
    await mkdir(join(project, 'db/schema'), { recursive: true });
    await writeFile(join(project, 'db/schema/main.prisma'), datasource('sqlite') + userModel);

    const result = await configureModels({ cwd: project });

    expect(result).toEqual({ file: join(project, 'db/schema/es_models.prisma'), provider: 'sqlite', changed: true });
    expect(await readFile(result.file, 'utf8')).toBe(prismaModels('sqlite'));
    expect(await sqliteTables(await schemaFolder(join(project, 'db/schema')))).toEqual([
      'User',
      'es_checkpoints',
      'es_data_keys',
      'es_event_tags',
      'es_events',
      'es_outbox',
      'es_parked',
      'es_snapshots',
      'es_streams',
    ]);
    expect((await configureModels({ cwd: project })).changed).toBe(false);
  });

  it('finds prisma/schema/ without a config file and reads the provider from the datasource', async () => {
    await mkdir(join(project, 'prisma/schema'), { recursive: true });
    await writeFile(join(project, 'prisma/schema/schema.prisma'), datasource('postgresql'));

    const result = await configureModels({ cwd: project, tablePrefix: 'billing_' });

    expect(result.file).toBe(join(project, 'prisma/schema/billing_models.prisma'));
    expect(result.provider).toBe('postgresql');
    const models = await readFile(result.file, 'utf8');
    expect(models).toContain('model BillingEvent {');
    expect(models).toContain('@@map("billing_events")');
    expect(models).toContain('map: "billing_events_stream_version_key"');
    expect(models).toContain('model BillingEventTag {');
    expect(models).toContain('map: "billing_event_tags_tag_log_idx"');
    expect(models).toContain('model BillingDataKey {');
    expect(models).toContain('map: "billing_data_keys_subject_version_key"');
    expect(models).not.toMatch(/"es_|model Es/);
  });

  it('keeps the models in a marked block of a single schema file, one block per prefix', async () => {
    const file = join(project, 'prisma/schema.prisma');
    await mkdir(join(project, 'prisma'));
    await writeFile(file, datasource('sqlite') + userModel);

    await configureModels({ cwd: project });
    await configureModels({ cwd: project, tablePrefix: 'billing_' });
    const once = await readFile(file, 'utf8');
    expect((await configureModels({ cwd: project })).changed).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(once);

    expect(once.startsWith(datasource('sqlite') + userModel)).toBe(true);
    expect(once.match(/\/\/ @es:(begin|end) \w+/g)).toEqual([
      '// @es:begin es_',
      '// @es:end es_',
      '// @es:begin billing_',
      '// @es:end billing_',
    ]);
    const tables = await sqliteTables([{ path: 'schema.prisma', content: once }]);
    expect(tables).toContain('es_events');
    expect(tables).toContain('billing_events');
  });

  it('rewrites its own block when the models change, and nothing else', async () => {
    const file = join(project, 'schema.prisma');
    const stale = `${datasource('sqlite')}\n// @es:begin es_\nmodel Old {\n  id Int @id\n}\n// @es:end es_\n\n${userModel}`;
    await writeFile(file, stale);

    expect((await configureModels({ cwd: project, schema: 'schema.prisma' })).changed).toBe(true);

    const updated = await readFile(file, 'utf8');
    expect(updated).toBe(stale.replace('model Old {\n  id Int @id\n}\n', prismaModels('sqlite')));
  });

  it('lets two prefixes live in one MySQL schema', () => {
    const schema = datasource('mysql') + prismaModels('mysql') + prismaModels('mysql', { tablePrefix: 'billing_' });
    const statements = mysqlMigrationStatements([{ path: 'schema.prisma', content: schema }]);
    expect(statements.map((statement) => /CREATE TABLE `(\w+)`/.exec(statement)?.[1]).sort()).toEqual([
      'billing_checkpoints',
      'billing_data_keys',
      'billing_event_tags',
      'billing_events',
      'billing_log_head',
      'billing_outbox',
      'billing_parked',
      'billing_snapshots',
      'billing_streams',
      'es_checkpoints',
      'es_data_keys',
      'es_event_tags',
      'es_events',
      'es_log_head',
      'es_outbox',
      'es_parked',
      'es_snapshots',
      'es_streams',
    ]);
  });

  it('refuses a schema without a datasource, or with a provider the store does not support', async () => {
    await writeFile(join(project, 'a.prisma'), userModel);
    const a = configureModels({ cwd: project, schema: 'a.prisma' });
    await expect(a).rejects.toThrow(/no datasource provider/);
    await expect(a).rejects.toBeInstanceOf(InvalidArgumentError);
    await writeFile(join(project, 'b.prisma'), datasource('sqlserver'));
    const b = configureModels({ cwd: project, schema: 'b.prisma' });
    await expect(b).rejects.toThrow(/"sqlserver" is not supported/);
    await expect(b).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('refuses a table prefix the store cannot use', () => {
    expect(() => prismaModels('sqlite', { tablePrefix: 'Bad-Prefix' })).toThrow(/must match/);
  });
});
