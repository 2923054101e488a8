import { PrismaPg } from '@prisma/adapter-pg';
import { databaseUrl, schema } from './databaseUrl.ts';
import { PrismaClient } from './generated/prisma/client.ts';

/** The driver adapter for the app's schema. */
export function adapter(): PrismaPg {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return new PrismaPg({ connectionString: url.toString() }, { schema });
}

export function openPrisma(): PrismaClient {
  return new PrismaClient({ adapter: adapter() });
}
