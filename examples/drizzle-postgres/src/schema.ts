import { configureModels } from '@es/drizzle/postgresql';
import { integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

// 1. The event store's tables join the app's own schema: drizzle-kit migrates them with the rest.
export const { esStreams, esEvents, esSnapshots, esOutbox, esCheckpoints, esParked, esTags, esDataKeys } =
  configureModels('postgresql', { tablePrefix: 'shop_es_' });

/** The app's own table, written in the same transaction as the order's events. */
export const orders = pgTable('shop_orders', {
  id: varchar('id', { length: 64 }).primaryKey(),
  customer: text('customer').notNull(),
  totalCents: integer('total_cents').notNull(),
  status: varchar('status', { length: 16 }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
