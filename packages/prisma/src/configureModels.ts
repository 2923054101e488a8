import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@es/core';
import { DEFAULT_TABLE_PREFIX } from '@es/core/sql';
import { type PrismaProvider, prismaModels } from './models/index.js';

export interface ConfigureModelsOptions {
  /** Table-name prefix (default `es_`); the same as given to `createPrismaBackend`. */
  readonly tablePrefix?: string;
  /** Your schema folder or file. Default: `schema` of prisma.config.ts, else `prisma/schema/`
   * if that folder exists, else `prisma/schema.prisma` (relative to `cwd`). */
  readonly schema?: string;
  /** Your project root, where prisma.config.ts lives. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Default: the `provider` of your schema's datasource block. */
  readonly provider?: PrismaProvider;
}

export interface ConfiguredModels {
  /** The file written: `<prefix>models.prisma` in a schema folder, or your single schema file. */
  readonly file: string;
  readonly provider: PrismaProvider;
  /** False when the file already held these models. */
  readonly changed: boolean;
}

/**
 * Puts the store's models into your Prisma schema, so that your own `prisma migrate dev` creates
 * the tables in a migration of yours and `prisma generate` types them like your models.
 *
 * With a schema folder (Prisma's multi-file schema) it writes `<prefix>models.prisma` there; with
 * a single schema file it keeps the models between `// @es:begin <prefix>` and `// @es:end
 * <prefix>` markers. Running it again (say, after upgrading @es/prisma) rewrites only that part.
 */
export async function configureModels(options: ConfigureModelsOptions = {}): Promise<ConfiguredModels> {
  const cwd = options.cwd ?? process.cwd();
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  const location = options.schema !== undefined ? resolve(cwd, options.schema) : await schemaLocation(cwd);
  const folder = !location.endsWith('.prisma') || (existsSync(location) && statSync(location).isDirectory());
  const provider = options.provider ?? (await datasourceProvider(folder ? await prismaFiles(location) : [location]));
  if (provider === undefined) {
    throw new InvalidArgumentError(`configureModels: no datasource provider found in ${location}; pass { provider }`);
  }
  const models = prismaModels(provider, { tablePrefix: prefix });

  if (folder) {
    const file = join(location, `${prefix}models.prisma`);
    return { file, provider, changed: await writeIfChanged(file, models) };
  }
  const current = existsSync(location) ? await readFile(location, 'utf8') : '';
  return { file: location, provider, changed: await writeIfChanged(location, withBlock(current, prefix, models)) };
}

type PrismaConfigModule = typeof import('@prisma/config');

/**
 * Prisma's own config loader: the `@prisma/config` of the app's `prisma` CLI (a pnpm app reaches
 * only its direct dependencies, and the CLI brings its loader along), else the one this package
 * resolves as its optional peer.
 */
async function prismaConfigLoader(cwd: string): Promise<PrismaConfigModule | undefined> {
  try {
    const cli = createRequire(join(cwd, 'package.json')).resolve('prisma/package.json');
    return (await import(pathToFileURL(createRequire(cli).resolve('@prisma/config')).href)) as PrismaConfigModule;
  } catch {
    return import('@prisma/config').catch(() => undefined);
  }
}

/** Where the Prisma CLI looks: prisma.config.ts's `schema`, then Prisma's default locations. */
async function schemaLocation(cwd: string): Promise<string> {
  const configured = await configuredSchema(cwd);
  if (configured !== undefined) return configured;
  const folder = join(cwd, 'prisma', 'schema');
  return existsSync(folder) && statSync(folder).isDirectory() ? folder : join(cwd, 'prisma', 'schema.prisma');
}

async function configuredSchema(cwd: string): Promise<string | undefined> {
  const config = await prismaConfigLoader(cwd);
  if (config === undefined) {
    const file = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']
      .map((ext) => join(cwd, `prisma.config.${ext}`))
      .find(existsSync);
    if (file === undefined) return undefined; // no config: Prisma's default locations apply
    throw new InvalidArgumentError(
      `configureModels: reading ${file} needs @prisma/config (it comes with prisma, installed in ${cwd}); or pass { schema }`,
    );
  }
  const loaded = await config.loadConfigFromFile({ configRoot: cwd });
  if (loaded.error) {
    if (loaded.error._tag === 'ConfigFileNotFound') return undefined;
    throw new InvalidArgumentError(`configureModels: cannot load prisma.config.ts in ${cwd}`, { cause: loaded.error });
  }
  return loaded.config.schema; // absolute
}

async function prismaFiles(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.prisma'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const DATASOURCE_PROVIDER = /datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*"(\w+)"/;

async function datasourceProvider(files: readonly string[]): Promise<PrismaProvider | undefined> {
  for (const file of files) {
    if (!existsSync(file)) continue;
    const provider = DATASOURCE_PROVIDER.exec(await readFile(file, 'utf8'))?.[1];
    if (provider === undefined) continue;
    if (provider === 'postgresql' || provider === 'mysql' || provider === 'sqlite') return provider;
    throw new InvalidArgumentError(
      `configureModels: datasource provider "${provider}" is not supported (postgresql, mysql, sqlite)`,
    );
  }
  return undefined;
}

/** `schema` with the models between this prefix's markers, replacing an earlier copy. */
function withBlock(schema: string, prefix: string, models: string): string {
  const begin = `// @es:begin ${prefix}`;
  const end = `// @es:end ${prefix}`;
  const block = `${begin}\n${models}${end}\n`;
  const start = schema.indexOf(`${begin}\n`);
  const stop = start === -1 ? -1 : schema.indexOf(`${end}\n`, start);
  if (stop !== -1) return schema.slice(0, start) + block + schema.slice(stop + end.length + 1);
  const separator = schema === '' ? '' : schema.endsWith('\n') ? '\n' : '\n\n';
  return `${schema}${separator}${block}`;
}

async function writeIfChanged(file: string, content: string): Promise<boolean> {
  if (existsSync(file) && (await readFile(file, 'utf8')) === content) return false;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  return true;
}
