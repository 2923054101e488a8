// The cluster test's store: a real one, @es/drizzle on a SQLite file, opened by the test (which
// writes the events) and by each relay process (which publishes them). Only erasable TypeScript:
// the relay process runs this file with Node's own type stripping.
import { createEventStore, defineEvent } from '@es/core';
import { tableNames } from '@es/core/sql';
import { configureModels, createDrizzleBackend } from '@es/drizzle';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { z } from 'zod';

export const Deposited = defineEvent('Deposited', z.object({ amount: z.number().int().positive() }));
export const clusterEvents = [Deposited] as const;

const TABLE_PREFIX = 'es_';
export const outboxTable = tableNames(TABLE_PREFIX).outbox;

/** Opens the store on `file`; two processes share it (WAL, and a busy timeout for the writer lock). */
export function openStore(file: string) {
  const client = new Database(file);
  client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 10000');
  const backend = createDrizzleBackend(drizzle(client), { tablePrefix: TABLE_PREFIX });
  const store = createEventStore({ backend, events: clusterEvents, outbox: true });
  return {
    store,
    /** Rows still waiting in the outbox, pending or dead. */
    outboxRows: () => (client.prepare(`SELECT count(*) AS n FROM ${outboxTable}`).get() as { n: number }).n,
    close: () => client.close(),
  };
}

/** Creates the store's tables in an empty file, as drizzle-kit generates them from @es/drizzle's models. */
export async function createTables(file: string): Promise<void> {
  const kit = await import('drizzle-kit/api');
  const statements = await kit.generateSQLiteMigration(
    await kit.generateSQLiteDrizzleJson({}),
    await kit.generateSQLiteDrizzleJson(configureModels('sqlite', { tablePrefix: TABLE_PREFIX })),
  );
  const client = new Database(file);
  for (const statement of statements) client.exec(statement);
  client.close();
}
