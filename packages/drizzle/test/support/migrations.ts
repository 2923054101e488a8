import type { DrizzleDialect } from '@es/drizzle';

/**
 * The SQL `drizzle-kit generate` writes for `schema` against an empty database, computed with
 * drizzle-kit's own API: tests create the tables exactly as a user's first migration would.
 */
export async function generateMigrationSql(
  dialect: DrizzleDialect,
  schema: Record<string, unknown>,
): Promise<string[]> {
  const kit = await import('drizzle-kit/api');
  switch (dialect) {
    case 'postgresql':
      return kit.generateMigration(kit.generateDrizzleJson({}), kit.generateDrizzleJson(schema));
    case 'mysql':
      return kit.generateMySQLMigration(
        await kit.generateMySQLDrizzleJson({}),
        await kit.generateMySQLDrizzleJson(schema),
      );
    case 'sqlite':
      return kit.generateSQLiteMigration(
        await kit.generateSQLiteDrizzleJson({}),
        await kit.generateSQLiteDrizzleJson(schema),
      );
  }
}
