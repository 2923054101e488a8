import type { SqlExecutor, TableNames } from '@es/core/sql';
import type { StoreRowCounts } from './target.js';

/**
 * The raw-SQL half of a conformance target that every SQL backend shares: emptying the tables
 * between tests and counting rows around the library. It runs plain statements through the
 * ORM's connection; the host table's writes stay with each ORM's own API.
 */
export function sqlTargetTables(executor: SqlExecutor, tables: TableNames, hostTable: string) {
  const count = async (table: string) => {
    const [row] = await executor.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(row?.n ?? 0);
  };
  const storeTables = [
    tables.outbox,
    tables.parked,
    tables.events,
    tables.streams,
    tables.snapshots,
    tables.checkpoints,
  ];
  return {
    async reset(): Promise<void> {
      for (const table of [...storeTables, hostTable]) await executor.execute(`DELETE FROM ${table}`);
      if (executor.dialect === 'mysql') await executor.execute(`DELETE FROM ${tables.logHead}`);
    },
    async countRows(): Promise<StoreRowCounts> {
      return {
        events: await count(tables.events),
        streams: await count(tables.streams),
        snapshots: await count(tables.snapshots),
        outbox: await count(tables.outbox),
      };
    },
    async hostRowIds(): Promise<string[]> {
      const rows = await executor.query<{ id: unknown }>(`SELECT id FROM ${hostTable}`);
      return rows.map((row) => String(row.id));
    },
  };
}

/** Connection settings for the test databases (override with ES_PG_URL / ES_MYSQL_URL). */
export const testDatabases = {
  postgres: (database: string) => `${process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432'}/${database}`,
  mysql: (database: string) => `${process.env.ES_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${database}`,
};
