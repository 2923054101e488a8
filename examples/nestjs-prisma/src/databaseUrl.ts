/** The example's database: `es_examples` on the test server, or `DATABASE_URL`. */
export const databaseUrl =
  process.env.DATABASE_URL ?? `${process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/es_examples`;

/**
 * The app's PostgreSQL schema. Its own, because `prisma migrate deploy` applies a first migration
 * only to an empty schema, and the examples share one database. The Prisma CLI finds it in the
 * URL's `schema` parameter, the client through the adapter's `schema`, the store's SQL through
 * the connections' search_path.
 */
export const schema = 'ex_nest_prisma';

/** `databaseUrl` with `?schema=`, as the Prisma CLI takes it. */
export function cliDatabaseUrl(): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}
