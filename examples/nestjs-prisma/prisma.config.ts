import { defineConfig } from 'prisma/config';
import { cliDatabaseUrl } from './src/databaseUrl.ts';

// The app's Prisma setup: a multi-file schema folder (the store's models sit next to the app's)
// and its migrations.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: cliDatabaseUrl() },
});
