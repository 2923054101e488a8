/**
 * The application the tests point `es` at: a store over @es/drizzle on PostgreSQL, MariaDB or
 * SQLite, a consumer keeping a read model in the same database (one row per event it handled),
 * and an outbox relay whose broker is down. The config module (es.config.ts) and the tests open
 * it alike. Each dialect's part (dialects/<dialect>.ts) is loaded when the app is opened on it, so
 * an `es` process loads one dialect's Drizzle modules, as an application on one database does.
 * Node runs this file as it is (type stripping), so it uses erasable TypeScript only.
 */
import {
  createConsumer,
  createEventStore,
  createOutboxRelay,
  defineEvent,
  type ProjectionContext,
  type RecordedEvent,
} from '@es/core';
import type { DrizzleBackend, DrizzleTransactionOf } from '@es/drizzle';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { z } from 'zod';

export type Dialect = 'postgres' | 'mysql' | 'sqlite';

export const AccountOpened = defineEvent(
  'AccountOpened',
  z.object({ owner: z.string(), openedAt: z.date(), tags: z.set(z.string()) }),
);
export const Deposited = defineEvent('Deposited', z.object({ amount: z.number().int(), cents: z.bigint().optional() }));
export const PaymentRequested = defineEvent('PaymentRequested', z.object({ amount: z.number().int() }));
export const events = [AccountOpened, Deposited, PaymentRequested];

type Transaction =
  | DrizzleTransactionOf<NodePgDatabase>
  | DrizzleTransactionOf<MySql2Database>
  | DrizzleTransactionOf<BetterSQLite3Database>;

/** What each dialect's module (dialects/<dialect>.ts) opens: its backend and the read model's rows. */
interface DialectPart {
  readonly backend: DrizzleBackend<Transaction>;
  insertHandled(transaction: Transaction, handled: readonly RecordedEvent[]): Promise<void>;
  clearHandled(transaction: Transaction): Promise<void>;
  handledCount(): Promise<number>;
  close(): Promise<void>;
}

/** The dialect's module: its part of the app, and the read model's table for its migrations. */
export const dialectModule = (dialect: Dialect) =>
  import(`./dialects/${dialect}.ts`) as Promise<{ openDialect(url: string): DialectPart; handled: object }>;

export async function openApp(dialect: Dialect, url: string) {
  const part = (await dialectModule(dialect)).openDialect(url);
  // Payments go to a broker through the outbox; accounts do not.
  const store = createEventStore({
    backend: part.backend,
    events,
    outbox: (_event, stream) => stream.category === 'payment',
  });
  const clear = ({ transaction }: ProjectionContext<(typeof events)[number], Transaction>) =>
    part.clearHandled(transaction);

  const balances = createConsumer(store, {
    name: 'balances',
    batchSize: 500,
    categories: ['account'],
    async handle(handled, { transaction }) {
      await part.insertHandled(transaction, handled);
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
    consumers: [{ consumer: balances, clear }, audit],
    balances,
    audit,
    relay,
    relays: [relay],
    /** Rows of the read model. */
    handledCount: () => part.handledCount(),
    close: () => part.close(),
  };
}

export type App = Awaited<ReturnType<typeof openApp>>;

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
