import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ConcurrencyError,
  createAggregateRepository,
  createConsumer,
  createEventStore,
  createOutboxRelay,
  type RecordedEventOf,
} from '@es/core';
import { createDrizzleBackend, type DrizzleTransactionOf } from '@es/drizzle/sqlite';
import Database from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { Account, type AccountEvent, accountEvents } from './domain.ts';
import * as schema from './schema.ts';

export type Db = ReturnType<typeof drizzle<typeof schema>>;

/** Opens (and migrates) the bank's SQLite database and wires the event store around it. */
export function openBank(file: string, migrationsFolder: string) {
  mkdirSync(dirname(file), { recursive: true });
  const client = new Database(file);
  client.pragma('journal_mode = WAL');
  const db = drizzle(client, { schema });
  migrate(db, { migrationsFolder });

  const backend = createDrizzleBackend(db);
  const store = createEventStore({
    backend,
    events: accountEvents,
    // Every event also goes to the outbox, in the same transaction as the append.
    outbox: true,
    projections: [
      {
        name: 'account-balances',
        // Runs inside the append's transaction: the read model can never disagree with the events.
        async handle(events, { transaction }) {
          for (const event of events) applyToBalances(transaction, event);
        },
      },
    ],
  });
  const accounts = createAggregateRepository(store, {
    category: 'account',
    create: (id: string) => new Account(id),
    snapshots: { every: 5 },
  });
  return { client, db, backend, store, accounts };
}

function applyToBalances(tx: DrizzleTransactionOf<Db>, event: RecordedEventOf<AccountEvent>) {
  const accountId = event.stream.id;
  if (event.type === 'AccountOpened') {
    tx.insert(schema.accountBalances)
      .values({ accountId, owner: event.data.owner, balance: 0, version: event.version })
      .run();
    return;
  }
  const delta = event.type === 'MoneyDeposited' ? event.data.amount : -event.data.amount;
  tx.update(schema.accountBalances)
    .set({ balance: sql`${schema.accountBalances.balance} + ${delta}`, version: event.version })
    .where(eq(schema.accountBalances.accountId, accountId))
    .run();
}

export type Bank = ReturnType<typeof openBank>;

/**
 * Applies `change` to an account loaded earlier (maybe stale) and saves it; on a concurrency
 * conflict, reloads, applies the change again to the fresh state and saves once more.
 */
export async function saveWithRetry(
  bank: Bank,
  loaded: Account,
  change: (account: Account) => void,
  say: (line: string) => void,
) {
  let account = loaded;
  const id = account.id;
  change(account);
  try {
    await bank.accounts.save(account);
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    say(`  conflict: ${error.message}`);
    account = await bank.accounts.load(id);
    change(account);
    await bank.accounts.save(account);
    say(`  retried on version ${error.actual}: saved at version ${account.version}`);
  }
  return account;
}

export function statementPrinter(bank: Bank, say: (line: string) => void) {
  return createConsumer(bank.store, {
    name: 'statement-printer',
    async handle(events) {
      for (const event of events) {
        const what =
          event.type === 'AccountOpened'
            ? `opened for ${event.data.owner}`
            : `${event.type === 'MoneyDeposited' ? '+' : '-'}${event.data.amount} (${event.data.reason})`;
        say(`  #${event.position} ${event.stream.id} v${event.version}: ${what}`);
      }
    },
  });
}

export function consolePublisher(bank: Bank, say: (line: string) => void) {
  return createOutboxRelay(bank.store, {
    async publish(event) {
      say(`  published #${event.position} ${event.stream.id} v${event.version} ${event.type} (id ${event.id})`);
    },
  });
}
