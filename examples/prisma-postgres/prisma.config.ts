import { defineConfig } from 'prisma/config';

// The app's Prisma setup: a multi-file schema folder (the store's models sit next to the app's)
// and its migrations.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/es_examples' },
});
