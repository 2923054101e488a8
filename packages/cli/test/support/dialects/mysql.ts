// The test application's MariaDB part: the database over mysql2, the backend from
// @es/drizzle/mysql and the read model's table. Loaded only by a run on MariaDB.
import type { RecordedEvent } from '@es/core';
import { createDrizzleBackend, type DrizzleTransactionOf } from '@es/drizzle/mysql';
import { count } from 'drizzle-orm';
import { bigint, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import { handledRow } from '../handled.ts';

/** The read model: one row per event the `balances` consumer handled (a second would be refused). */
export const handled = mysqlTable('cli_handled', {
  eventId: varchar('event_id', { length: 36 }).primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull(),
});

type Transaction = DrizzleTransactionOf<MySql2Database>;

export function openDialect(url: string) {
  const pool = mysql.createPool({ uri: url, connectionLimit: 4 });
  const db = drizzle(pool);
  return {
    backend: createDrizzleBackend(db),
    async insertHandled(transaction: Transaction, events: readonly RecordedEvent[]) {
      await transaction.insert(handled).values(events.map(handledRow));
    },
    async clearHandled(transaction: Transaction) {
      await transaction.delete(handled);
    },
    async handledCount() {
      const [row] = await db.select({ n: count() }).from(handled);
      return Number(row?.n ?? 0);
    },
    close: () => pool.end(),
  };
}
