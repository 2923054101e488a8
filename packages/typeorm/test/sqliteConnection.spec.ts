// SQLite specifics: a TypeORM DataSource is one connection there, shared by the host's
// transactions and the store's own.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyError, createEventStore, defineEvent, InvalidArgumentError, stream } from '@es/core';
import { configureModels, createTypeOrmBackend } from '@es/typeorm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type DataSourceOptions, EntitySchema, Like } from 'typeorm';
import { z } from 'zod';
import { generateMigration } from './support/index.ts';

const Note = new EntitySchema<{ id: string }>({
  name: 'Note',
  tableName: 'notes',
  columns: { id: { type: 'varchar', length: 100, primary: true } },
});
const Noted = defineEvent('Noted', z.object({ text: z.string() }));

describe('@es/typeorm on SQLite', () => {
  const options = configureModels({
    type: 'better-sqlite3',
    database: join(mkdtempSync(join(tmpdir(), 'es-typeorm-')), 'notes.sqlite'),
    timeout: 0,
    enableWAL: true,
    entities: [Note],
  } as DataSourceOptions);
  let dataSource: DataSource;
  let backend: ReturnType<typeof createTypeOrmBackend>;
  const openStore = () => createEventStore({ backend, events: [Noted] });
  let store: ReturnType<typeof openStore>;

  beforeAll(async () => {
    const { migration } = await generateMigration(options);
    dataSource = await new DataSource({ ...options, migrations: [migration] }).initialize();
    await dataSource.runMigrations();
    backend = createTypeOrmBackend(dataSource);
    store = openStore();
  });
  afterAll(() => dataSource?.destroy());

  it('refuses a DataSource with a busy timeout, and a driver the store does not support (InvalidArgumentError)', () => {
    const blocking = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    expect(() => createTypeOrmBackend(blocking)).toThrow(InvalidArgumentError);
    expect(() => createTypeOrmBackend(blocking)).toThrow(/timeout: 0/);
    expect(() => configureModels({ type: 'sqljs' })).toThrow(InvalidArgumentError);
    expect(() => configureModels({ type: 'sqljs' })).toThrow(/not 'sqljs'/);
  });

  it("runInTransaction: the host's entity writes and the events commit together", async () => {
    await backend.runInTransaction(async (manager) => {
      await manager.save(Note, { id: 'n-1' });
      await store.withTransaction(manager).append(stream('note', 'n-1'), Noted.create({ text: 'hi' }), {
        expectedVersion: 'no_stream',
      });
    });
    expect(await dataSource.manager.findOneBy(Note, { id: 'n-1' })).toEqual({ id: 'n-1' });
    expect(await store.streamVersion(stream('note', 'n-1'))).toBe(1);
  });

  it("the store's own append waits for a host transaction open on the same DataSource instead of joining it", async () => {
    let append: Promise<unknown> | undefined;
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.save(Note, { id: 'n-2' });
        // Someone else uses the store meanwhile (a request, a consumer): not part of this transaction.
        append = store.append(stream('note', 'n-3'), Noted.create({ text: 'independent' }), {
          expectedVersion: 'no_stream',
        });
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error('the host gives up');
      }),
    ).rejects.toThrow('the host gives up');
    await append;
    expect(await dataSource.manager.findOneBy(Note, { id: 'n-2' })).toBeNull();
    expect(await store.streamVersion(stream('note', 'n-3'))).toBe(1);
  });

  it.each([
    ['a bare transaction on the driver (a plain append)', 'bare'],
    ["the QueryRunner's transaction (an inline projection writing through its manager)", 'projected'],
  ] as const)("a transaction the host starts while the store's own one is open waits for it, whenever it starts: %s", async (_, kind) => {
    // The projection's row nests in the store's transaction: it must neither wait for itself nor be kept on a rollback.
    const appending =
      kind === 'bare'
        ? store
        : createEventStore({
            backend,
            events: [Noted],
            projections: [
              {
                name: 'notes',
                handle: async (events, { transaction }) => {
                  // The store's own transaction hands its QueryRunner's manager.
                  const manager = 'startTransaction' in transaction ? transaction.manager : transaction;
                  for (const event of events) await manager.save(Note, { id: `projected-${event.stream.id}` });
                },
              },
            ],
          });
    await appending.append(stream('note', `${kind}-taken`), Noted.create({ text: 'first' }), {
      expectedVersion: 'no_stream',
    });
    const ROUNDS = 120;
    const outcomes: { appended: string; host: string; next: string }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Odd rounds' appends fail on their version: their rollback must not take the host's row with it.
      const target = stream('note', round % 2 === 0 ? `${kind}-${round}` : `${kind}-taken`);
      const appended = appending
        .append(target, Noted.create({ text: `round ${round}` }), { expectedVersion: 'no_stream' })
        .then(
          () => 'appended',
          (error: unknown) => (error instanceof ConcurrencyError ? 'conflict' : String(error)),
        );
      // The host's transaction starts at every point of the append, a microtask later each round:
      // before its BEGIN, between its statements, after its COMMIT.
      for (let turn = 0; turn < round; turn++) await Promise.resolve();
      // Every third host gives up: what it rolls back must be its own work only.
      const host = dataSource
        .transaction(async (manager) => {
          await manager.save(Note, { id: `host-${kind}-${round}` });
          if (round % 3 === 2) throw new Error('the host gives up');
        })
        .then(
          () => 'committed',
          (error: unknown) => String(error),
        );
      // Queued behind the first, it must wait for the host's transaction too, not slip in before its BEGIN.
      const next = appending
        .append(stream('note', `${kind}-next-${round}`), Noted.create({ text: 'next' }), {
          expectedVersion: 'no_stream',
        })
        .then(
          () => 'appended',
          (error: unknown) => String(error),
        );
      outcomes.push({ appended: await appended, host: await host, next: await next });
    }
    expect(outcomes).toEqual(
      outcomes.map((_, round) => ({
        appended: round % 2 === 0 ? 'appended' : 'conflict',
        host: round % 3 === 2 ? 'Error: the host gives up' : 'committed',
        next: 'appended',
      })),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const row = await dataSource.manager.findOneBy(Note, { id: `host-${kind}-${round}` });
      expect(row).toEqual(round % 3 === 2 ? null : { id: `host-${kind}-${round}` });
      if (round % 2 === 0) expect(await appending.streamVersion(stream('note', `${kind}-${round}`))).toBe(1);
      expect(await appending.streamVersion(stream('note', `${kind}-next-${round}`))).toBe(1);
    }
    if (kind === 'projected') {
      const projected = await dataSource.manager.countBy(Note, { id: Like(`projected-${kind}-%`) });
      // The first append's, each even round's and each next one's; no failed round's.
      expect(projected).toBe(1 + ROUNDS / 2 + ROUNDS);
    }
  });

  it("joined to dataSource.transaction, the store runs on the better-sqlite3 Database itself, and a throw rolls back the host's row and the append together", async () => {
    // Every statement TypeORM's QueryRunner runs, while the transaction is open.
    const runner = dataSource.createQueryRunner();
    const original = runner.query;
    const texts: string[] = [];
    runner.query = function (this: typeof runner, query: string, ...rest: unknown[]) {
      texts.push(query);
      return (original as (...args: unknown[]) => Promise<unknown>).call(this, query, ...rest);
    } as typeof runner.query;
    let appended: unknown;
    try {
      await expect(
        dataSource.transaction(async (manager) => {
          await manager.save(Note, { id: 'n-4' });
          await store.withTransaction(manager).append(stream('note', 'n-4'), Noted.create({ text: 'gone' }), {
            expectedVersion: 'no_stream',
          });
          appended = await store.withTransaction(manager).streamVersion(stream('note', 'n-4'));
          throw new Error('the host fails after the append');
        }),
      ).rejects.toThrow('the host fails after the append');
    } finally {
      runner.query = original;
    }
    expect(appended).toBe(1);
    expect(await dataSource.manager.findOneBy(Note, { id: 'n-4' })).toBeNull();
    expect(await store.streamVersion(stream('note', 'n-4'))).toBe(0);
    // The host's statements went through the QueryRunner; the store's did not.
    expect(texts.some((text) => text.includes('notes'))).toBe(true);
    expect(texts.filter((text) => text.includes('es_'))).toEqual([]);
  });
});
