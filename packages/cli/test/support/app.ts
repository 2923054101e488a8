/**
 * The application the tests point `es` at: a store over @es/drizzle on PostgreSQL, MariaDB or
 * SQLite, a consumer keeping a read model in the same database (one row per event it handled),
 * and an outbox relay whose broker is down. The config module (es.config.ts) and the tests open
 * it alike. Node runs this file as it is (type stripping), so it uses erasable TypeScript only.
 */
import {
  createConsumer,
  createEventStore,
  createOutboxRelay,
  defineEvent,
  type ProjectionContext,
  type RecordedEvent,
} from '@es/core';
import { createDrizzleBackend, type DrizzleTransactionOf } from '@es/drizzle';
import Database from 'better-sqlite3';
import { count } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { bigint as mysqlBigint, mysqlTable, varchar as mysqlVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { bigint as pgBigint, pgTable, varchar } from 'drizzle-orm/pg-core';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { z } from 'zod';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export const AccountOpened = defineEvent(
  'AccountOpened',
  z.object({ owner: z.string(), openedAt: z.date(), tags: z.set(z.string()) }),
);
export const Deposited = defineEvent('Deposited', z.object({ amount: z.number().int(), cents: z.bigint().optional() }));
export const PaymentRequested = defineEvent('PaymentRequested', z.object({ amount: z.number().int() }));
export const events = [AccountOpened, Deposited, PaymentRequested];

/** The read model: one row per event the `balances` consumer handled (a second would be refused). */
export const handledRows = {
  postgres: pgTable('cli_handled', {
    eventId: varchar('event_id', { length: 36 }).primaryKey(),
    position: pgBigint('position', { mode: 'number' }).notNull(),
  }),
  mysql: mysqlTable('cli_handled', {
    eventId: mysqlVarchar('event_id', { length: 36 }).primaryKey(),
    position: mysqlBigint('position', { mode: 'number' }).notNull(),
  }),
  sqlite: sqliteTable('cli_handled', {
    eventId: text('event_id').primaryKey(),
    position: integer('position').notNull(),
  }),
};

type Transaction =
  | DrizzleTransactionOf<NodePgDatabase>
  | DrizzleTransactionOf<MySql2Database>
  | DrizzleTransactionOf<BetterSQLite3Database>;

/** The dialect's Drizzle database over its driver, as an application opens it. */
function openDatabase(dialect: Dialect, url: string) {
  switch (dialect) {
    case 'postgres': {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      return { db: drizzlePg(pool), close: () => pool.end() };
    }
    case 'mysql': {
      const pool = mysql.createPool({ uri: url, connectionLimit: 4 });
      return { db: drizzleMysql(pool), close: () => pool.end() };
    }
    case 'sqlite': {
      const client = new Database(url);
      return { db: drizzleSqlite(client), close: async () => void client.close() };
    }
  }
}

export function openApp(dialect: Dialect, url: string) {
  const { db, close } = openDatabase(dialect, url);
  const backend = createDrizzleBackend(db);
  // Payments go to a broker through the outbox; accounts do not.
  const store = createEventStore({ backend, events, outbox: (_event, stream) => stream.category === 'payment' });
  const table = handledRows[dialect];

  /** The read model's writes, through the batch's transaction (Drizzle's SQLite ones are synchronous). */
  const readModel = {
    async insert(transaction: Transaction, handled: readonly RecordedEvent[]) {
      const rows = handled.map((event) => ({ eventId: event.id, position: Number(event.position) }));
      if (dialect === 'sqlite')
        (transaction as DrizzleTransactionOf<BetterSQLite3Database>).insert(handledRows.sqlite).values(rows).run();
      else if (dialect === 'mysql')
        await (transaction as DrizzleTransactionOf<MySql2Database>).insert(handledRows.mysql).values(rows);
      else await (transaction as DrizzleTransactionOf<NodePgDatabase>).insert(handledRows.postgres).values(rows);
    },
    async clear({ transaction }: ProjectionContext<(typeof events)[number], Transaction>) {
      if (dialect === 'sqlite')
        (transaction as DrizzleTransactionOf<BetterSQLite3Database>).delete(handledRows.sqlite).run();
      else if (dialect === 'mysql')
        await (transaction as DrizzleTransactionOf<MySql2Database>).delete(handledRows.mysql);
      else await (transaction as DrizzleTransactionOf<NodePgDatabase>).delete(handledRows.postgres);
    },
  };

  const balances = createConsumer(store, {
    name: 'balances',
    batchSize: 500,
    categories: ['account'],
    async handle(handled, { transaction }) {
      await readModel.insert(transaction, handled);
    },
  });
  const audit = createConsumer(store, { name: 'audit', allTenants: true, async handle() {} });
  const relay = createOutboxRelay(store, {
    maxAttempts: 1,
    async publish() {
      throw new Error('broker unreachable: connect ECONNREFUSED 127.0.0.1:5999');
    },
    onError: () => {},
  });

  return {
    store,
    consumers: [{ consumer: balances, clear: readModel.clear }, audit],
    balances,
    audit,
    relay,
    relays: [relay],
    /** Rows of the read model. */
    async handledCount(): Promise<number> {
      const query = (db as NodePgDatabase).select({ n: count() }).from(table as typeof handledRows.postgres);
      const [row] = dialect === 'sqlite' ? (query as unknown as { all(): { n: number }[] }).all() : await query;
      return Number(row?.n ?? 0);
    },
    close,
  };
}

export type App = ReturnType<typeof openApp>;

/** The partitions of `shipping`, the partitioned consumer (`partitioned.config.ts` and the partition tests). */
export const SHIPPING_PARTITIONS = 4;

/**
 * An instance of `shipping`: the account events in 4 partitions, shared by the instances running.
 * Short leases, so that instances started together balance within a second or two.
 */
export function shippingConsumer(store: App['store'], owner?: string) {
  return createConsumer(store, {
    name: 'shipping',
    partitions: SHIPPING_PARTITIONS,
    categories: ['account'],
    leaseMs: 3_000,
    ...(owner !== undefined && { owner }),
    async handle() {},
  });
}
