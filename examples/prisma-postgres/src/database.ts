import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@es/prisma/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export const databaseUrl =
  process.env.DATABASE_URL ?? `${process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/es_examples`;

/**
 * The app's PostgreSQL schema. Its own, because `prisma migrate deploy` applies a first migration
 * only to an empty schema, and the examples share one database. The Prisma models find it through
 * the adapter's `schema`, the store's SQL through the connections' search_path.
 */
export const schema = 'ex_prisma';

/** The driver adapter for the app's schema. */
export function adapter(): PrismaPg {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return new PrismaPg({ connectionString: url.toString() }, { schema });
}

const prismaDir = fileURLToPath(new URL('../prisma', import.meta.url));

export function openPrisma(): PrismaClient {
  return new PrismaClient({ adapter: adapter() });
}

/** The app's schema folder: its own models and the store's, as `prisma migrate` reads them. */
export async function schemaFiles(): Promise<{ path: string; content: string }[]> {
  const folder = join(prismaDir, 'schema');
  const names = (await readdir(folder)).filter((name) => name.endsWith('.prisma')).sort();
  return Promise.all(names.map(async (name) => ({ path: name, content: await readFile(join(folder, name), 'utf8') })));
}

/**
 * `prisma migrate deploy`: applies the app's migrations (prisma/migrations) that the database has
 * not seen. On your machine, run the CLI. These machines cannot download the CLI's native schema
 * engine, so the example runs the same engine's WebAssembly build through the driver adapter.
 */
export async function migrate(): Promise<string[]> {
  return applyMigrations(join(prismaDir, 'migrations'), await schemaFiles(), adapter());
}
