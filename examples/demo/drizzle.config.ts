import { defineConfig } from 'drizzle-kit';

// `pnpm generate` writes the migration for src/schema.ts (the store's tables included) to ./drizzle.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
});
