import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, defineEvent, TransactionNotOpenError } from '@es/core';
import Database from 'better-sqlite3';
import { count, getTableName } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { configureModels, createDrizzleBackend } from '../src/index.js';
import { generateMigrationSql } from './support/index.ts';

// Drizzle's better-sqlite3 transactions are synchronous: an async callback's first await ends
// them (better-sqlite3 throws and rolls back), and whatever the callback does after that runs on
// the bare connection. The store must refuse such a handle rather than commit on its own.

const file = join(tmpdir(), 'es-drizzle-sqlite-host-transaction.sqlite');
const invoices = sqliteTable('invoices', { id: text('id').primaryKey() });
const models = configureModels('sqlite');
const InvoiceIssued = defineEvent('InvoiceIssued', z.object({ cents: z.number() }));

let client: Database.Database;
let db: ReturnType<typeof open>;
const open = () => drizzle(client, { schema: { invoices, ...models } });

beforeAll(async () => {
  rmSync(file, { force: true });
  client = new Database(file);
  client.pragma('journal_mode = WAL');
  for (const statement of await generateMigrationSql('sqlite', { invoices, ...models })) client.exec(statement);
  db = open();
});
beforeEach(() => client.exec(`DELETE FROM invoices; DELETE FROM ${'es_events'}; DELETE FROM es_streams;`));
afterAll(() => client.close());

const rows = () => ({
  invoices: db.select({ n: count() }).from(invoices).get()?.n,
  events: db.select({ n: count() }).from(models.esEvents).get()?.n,
});

test('an append inside a synchronous db.transaction is refused with TransactionNotOpenError and writes nothing', async () => {
  const store = createEventStore({ backend: createDrizzleBackend(db), events: [InvoiceIssued] });
  let append: Promise<unknown> | undefined;
  // What `db.transaction(async (tx) => { ...; await store.withTransaction(tx).append(...) })` does,
  // with the append's promise kept so the test can await it.
  expect(() =>
    db.transaction((tx) => {
      tx.insert(invoices).values({ id: 'inv-1' }).run();
      append = store
        .withTransaction(tx)
        .append({ category: 'invoice', id: 'inv-1' }, InvoiceIssued.create({ cents: 100 }), {
          expectedVersion: 'no_stream',
        });
      return append;
    }),
  ).toThrow(/promise/);
  await expect(append).rejects.toBeInstanceOf(TransactionNotOpenError);
  expect(rows()).toEqual({ invoices: 0, events: 0 });
});

test('the same work in backend.runInTransaction commits the invoice and the event together', async () => {
  const backend = createDrizzleBackend(db);
  const store = createEventStore({ backend, events: [InvoiceIssued] });
  await backend.runInTransaction(async (tx) => {
    tx.insert(invoices).values({ id: 'inv-2' }).run();
    await store.withTransaction(tx).append({ category: 'invoice', id: 'inv-2' }, InvoiceIssued.create({ cents: 100 }), {
      expectedVersion: 'no_stream',
    });
  });
  expect(rows()).toEqual({ invoices: 1, events: 1 });
});

// The connection's `inTransaction` cannot tell whose transaction is open: these handles are
// refused even while another transaction runs on the same connection.
test('a handle of a Drizzle synchronous transaction is refused even while another transaction is open', async () => {
  const backend = createDrizzleBackend(db);
  const store = createEventStore({ backend, events: [InvoiceIssued] });
  let synchronous: Parameters<Parameters<typeof db.transaction>[0]>[0] | undefined;
  db.transaction((tx) => {
    synchronous = tx;
  });
  await backend.runInTransaction(async () => {
    await expect(
      store
        .withTransaction(synchronous!)
        .append({ category: 'invoice', id: 'inv-3' }, InvoiceIssued.create({ cents: 1 }), {
          expectedVersion: 'no_stream',
        }),
    ).rejects.toBeInstanceOf(TransactionNotOpenError);
  });
  expect(rows()).toEqual({ invoices: 0, events: 0 });
});

test('a handle of an ended runInTransaction is refused while the next one is open', async () => {
  const backend = createDrizzleBackend(db);
  const store = createEventStore({ backend, events: [InvoiceIssued] });
  const ended = await backend.runInTransaction(async (tx) => tx);
  await backend.runInTransaction(async () => {
    await expect(
      store.withTransaction(ended).append({ category: 'invoice', id: 'inv-4' }, InvoiceIssued.create({ cents: 1 }), {
        expectedVersion: 'no_stream',
      }),
    ).rejects.toBeInstanceOf(TransactionNotOpenError);
  });
  expect(rows()).toEqual({ invoices: 0, events: 0 });
});

// The store runs its statements on the better-sqlite3 Database under Drizzle (core's
// sqliteDriverExecutor), not through Drizzle's session: the same connection, so the same transaction.

/** The texts Drizzle's session prepared (its `prepareQuery`), recorded while `work` runs. */
async function preparedByDrizzle<T>(work: () => Promise<T>): Promise<string[]> {
  const session = (db as unknown as { session: { prepareQuery(query: { sql: string }, ...rest: unknown[]): unknown } })
    .session;
  const original = session.prepareQuery;
  const texts: string[] = [];
  session.prepareQuery = function (this: unknown, query, ...rest) {
    texts.push(query.sql);
    return original.call(this, query, ...rest);
  };
  try {
    await work();
  } finally {
    session.prepareQuery = original;
  }
  return texts;
}

test("on the driver's own Database, a throw in runInTransaction rolls back the host's row and the append together", async () => {
  const backend = createDrizzleBackend(db);
  const store = createEventStore({ backend, events: [InvoiceIssued] });
  let appended = 0;
  const texts = await preparedByDrizzle(() =>
    expect(
      backend.runInTransaction(async (tx) => {
        tx.insert(invoices).values({ id: 'inv-5' }).run();
        await store
          .withTransaction(tx)
          .append({ category: 'invoice', id: 'inv-5' }, InvoiceIssued.create({ cents: 5 }), {
            expectedVersion: 'no_stream',
          });
        appended = client.prepare('SELECT count(*) AS n FROM es_events').pluck().get() as number;
        throw new Error('host fails after the append');
      }),
    ).rejects.toThrow('host fails after the append'),
  );
  expect(appended).toBe(1); // the append ran, inside the transaction
  expect(rows()).toEqual({ invoices: 0, events: 0 });
  // Only the host's insert went through Drizzle's session; the store's statements did not.
  expect(texts.some((text) => text.includes('invoices'))).toBe(true);
  expect(texts.filter((text) => text.includes('es_'))).toEqual([]);
});

test('cached statements survive the store tables being dropped and created again (better-sqlite3 re-prepares them)', async () => {
  const backend = createDrizzleBackend(db);
  const store = createEventStore({ backend, events: [InvoiceIssued] });
  const stream = { category: 'invoice', id: 'inv-6' };
  await store.append(stream, InvoiceIssued.create({ cents: 1 }), { expectedVersion: 'no_stream' });
  await store.append(stream, InvoiceIssued.create({ cents: 2 }), { expectedVersion: 1 });
  expect((await store.readStream(stream)).map((event) => event.data.cents)).toEqual([1, 2]);
  for (const table of Object.values(models)) client.exec(`DROP TABLE ${getTableName(table)}`);
  for (const statement of await generateMigrationSql('sqlite', models)) client.exec(statement);
  await store.append(stream, InvoiceIssued.create({ cents: 3 }), { expectedVersion: 'no_stream' });
  const events = await store.readStream(stream);
  expect(events.map((event) => [event.version, event.data.cents])).toEqual([[1, 3]]);
  expect(events[0]?.position).toBe(1n);
});

test("a single-event append's statements are prepared once on the driver, then reused", async () => {
  // A connection of its own: the statements cached on `client` by the tests above would hide it.
  const own = new Database(file);
  const prepared: string[] = [];
  const prepare = own.prepare;
  own.prepare = ((text: string) => {
    prepared.push(text);
    return prepare.call(own, text);
  }) as typeof own.prepare;
  try {
    const store = createEventStore({ backend: createDrizzleBackend(drizzle(own)), events: [InvoiceIssued] });
    const stream = { category: 'invoice', id: 'inv-7' };
    for (let version = 0; version < 3; version++) {
      await store.append(stream, InvoiceIssued.create({ cents: version }), { expectedVersion: version });
    }
  } finally {
    own.close();
  }
  // The first append's bump differs (a new stream is inserted); later ones share one text.
  expect(prepared.filter((text) => text.startsWith('INSERT INTO es_events'))).toHaveLength(1);
  expect(prepared.filter((text) => text.startsWith('UPDATE es_streams'))).toHaveLength(1);
  expect(rows().events).toBe(3);
});

test('joined appends prepare their savepoints once per connection, not at every append', async () => {
  const backend = createDrizzleBackend(db);
  const store = createEventStore({ backend, events: [InvoiceIssued] });
  const savepointTexts: string[] = [];
  const prepare = client.prepare;
  client.prepare = function (this: Database.Database, text: string) {
    if (/^(SAVEPOINT|RELEASE|ROLLBACK TO)/.test(text)) savepointTexts.push(text);
    return prepare.call(this, text);
  } as typeof prepare;
  try {
    for (const batch of ['a', 'b']) {
      await backend.runInTransaction(async (tx) => {
        for (const n of [1, 2, 3]) {
          await store
            .withTransaction(tx)
            .append({ category: 'invoice', id: `inv-${batch}${n}` }, InvoiceIssued.create({ cents: n }), {
              expectedVersion: 'no_stream',
            });
        }
      });
    }
  } finally {
    client.prepare = prepare;
  }
  expect(rows().events).toBe(6);
  // Six joined appends, each under a savepoint: at most its SAVEPOINT and RELEASE texts, once.
  expect(savepointTexts.length).toBeLessThanOrEqual(2);
});
