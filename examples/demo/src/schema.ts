import { configureModels } from '@es/drizzle/sqlite';
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// The event store's tables live in the application's own schema, so drizzle-kit migrates them
// with everything else.
export const { esStreams, esEvents, esSnapshots, esOutbox, esCheckpoints, esParked, esTags, esDataKeys } =
  configureModels('sqlite');

/** A read model kept by an inline projection, in the same transaction as each append. */
export const accountBalances = sqliteTable('account_balances', {
  accountId: text('account_id').primaryKey(),
  owner: text('owner').notNull(),
  balance: real('balance').notNull(),
  version: integer('version').notNull(),
});

/** A table of the application's own, written in the same transaction as a transfer's events. */
export const transfers = sqliteTable('transfers', {
  id: text('id').primaryKey(),
  fromAccount: text('from_account').notNull(),
  toAccount: text('to_account').notNull(),
  amount: real('amount').notNull(),
  at: text('at').notNull(),
});
