// The test application's SQLite part: the database over better-sqlite3, the backend from
// @es/drizzle/sqlite and the read model's table (Drizzle's SQLite writes are synchronous). Loaded
// only by a run on SQLite.
import type { RecordedEvent } from '@es/core';
import { createDrizzleBackend, type DrizzleTransactionOf } from '@es/drizzle/sqlite';
import Database from 'better-sqlite3';
import { count } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { handledRow } from '../handled.ts';

/** The read model: one row per event the `balances` consumer handled (a second would be refused). */
export const handled = sqliteTable('cli_handled', {
  eventId: text('event_id').primaryKey(),
  position: integer('position').notNull(),
});

type Transaction = DrizzleTransactionOf<BetterSQLite3Database>;

export function openDialect(url: string) {
  const client = new Database(url);
  const db = drizzle(client);
  return {
    backend: createDrizzleBackend(db),
    async insertHandled(transaction: Transaction, events: readonly RecordedEvent[]) {
      transaction.insert(handled).values(events.map(handledRow)).run();
    },
    async clearHandled(transaction: Transaction) {
      transaction.delete(handled).run();
    },
    async handledCount() {
      const [row] = db.select({ n: count() }).from(handled).all();
      return Number(row?.n ?? 0);
    },
    close: async () => void client.close(),
  };
}
