// The test application's PostgreSQL part: the database over node-postgres, the backend from
// @es/drizzle/postgresql and the read model's table. Loaded only by a run on PostgreSQL, so an `es`
// process on another dialect loads none of Drizzle's PostgreSQL modules.
import type { RecordedEvent } from '@es/core';
import { createDrizzleBackend, type DrizzleTransactionOf } from '@es/drizzle/postgresql';
import { count } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { bigint, pgTable, varchar } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { handledRow } from '../handled.ts';

/** The read model: one row per event the `balances` consumer handled (a second would be refused). */
export const handled = pgTable('cli_handled', {
  eventId: varchar('event_id', { length: 36 }).primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull(),
});

type Transaction = DrizzleTransactionOf<NodePgDatabase>;

export function openDialect(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
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
