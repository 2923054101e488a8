import { defineConfig } from 'drizzle-kit';

// `pnpm generate` writes the app's migrations, the event store's tables included, to ./drizzle.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/es_examples' },
});
