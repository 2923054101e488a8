import type { SqlExecutor } from '../executor.js';
import { mysqlNameCollationStatements, type NameColumn, nameColumns } from '../tables.js';
import { list, sql } from '../template.js';
import { query, type StatementContext } from './context.js';

export interface SchemaMismatch {
  readonly problem: string;
  readonly fix: string[];
}

/**
 * MySQL/MariaDB: the name columns whose collation folds case or accents (tables created by an
 * earlier version, or by a tool that cannot set a collation). A table not found is left to fail
 * as missing.
 */
async function foldingNameColumns(executor: SqlExecutor, context: StatementContext): Promise<NameColumn[]> {
  const columns = nameColumns(context.tables);
  const tables = [...new Set(columns.map((column) => column.table))];
  const rows = await query<{ table_name: unknown; column_name: unknown; collation_name: unknown }>(
    executor,
    context,
    sql`SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLLATION_NAME AS collation_name
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${list(tables)})`,
  );
  const collation = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, String(row.collation_name)]));
  return columns.filter((column) => {
    const found = collation.get(`${column.table}.${column.column}`);
    return found !== undefined && !found.endsWith('_bin');
  });
}

export function schemaStatements(context: StatementContext) {
  return {
    /**
     * What the tables lack that the store's correctness needs, with the statements that fix it;
     * undefined when nothing. The backend asks once, before its first statement. Only MySQL's
     * can lack something: name columns that fold case, on which `acc-A` and `acc-a` would be one
     * stream.
     */
    async schemaMismatch(executor: SqlExecutor): Promise<SchemaMismatch | undefined> {
      if (context.dialect.name !== 'mysql') return undefined;
      const folding = await foldingNameColumns(executor, context);
      if (folding.length === 0) return undefined;
      const names = folding.map((column) => `${column.table}.${column.column}`).join(', ');
      return {
        problem: `${names} fold case and accents, so names differing only in case would be one stream; run the statements in \`fix\` (mysqlNameCollationStatements) as a migration`,
        fix: mysqlNameCollationStatements(context.tables),
      };
    },
  };
}
