import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEventStore, defineEvent, InvalidArgumentError } from '@es/core';
import { testDatabases } from '@es/testing/targets';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { z } from 'zod';
import * as root from '../src/index.js';
import * as mysqlEntry from '../src/mysql.js';
import * as postgresEntry from '../src/postgresql.js';
import * as sqliteEntry from '../src/sqlite.js';
import { recreatePostgresTables } from './postgresTables.ts';
import { generateMigrationSql } from './support/index.ts';

// @es/drizzle/postgresql, /mysql and /sqlite: the backend and models of @es/drizzle for one
// dialect, loading none of Drizzle's modules for the other two.

const LOADED_MODULES = fileURLToPath(new URL('./support/loadedModules.mjs', import.meta.url));
const Opened = defineEvent('Opened', z.object({ owner: z.string() }));

/** The drizzle-orm folders importing `specifier` loads (built package, as an app imports it). */
function foldersLoaded(specifier: string, first: string): string[] {
  const output = execFileSync(process.execPath, [LOADED_MODULES, specifier, first], { encoding: 'utf8' });
  return Object.keys(JSON.parse(output) as Record<string, number>);
}

describe('what each entry loads, after the driver module the app imports first', () => {
  it.each([
    ['@es/drizzle/postgresql', 'drizzle-orm/node-postgres', ['mysql-core', 'mysql2', 'sqlite-core', 'better-sqlite3']],
    ['@es/drizzle/mysql', 'drizzle-orm/mysql2', ['pg-core', 'node-postgres', 'sqlite-core', 'better-sqlite3']],
    ['@es/drizzle/sqlite', 'drizzle-orm/better-sqlite3', ['pg-core', 'node-postgres', 'mysql-core', 'mysql2']],
  ])('%s loads no module of another dialect', (entry, driver, others) => {
    const loaded = foldersLoaded(entry, driver);
    expect(loaded.filter((folder) => others.includes(folder))).toEqual([]);
  });

  it('@es/drizzle itself loads the models of all three (what the entries spare)', () => {
    const loaded = foldersLoaded('@es/drizzle', 'drizzle-orm/node-postgres');
    expect(loaded).toEqual(expect.arrayContaining(['mysql-core', 'sqlite-core', 'better-sqlite3']));
  });
});

describe('models', () => {
  it.each([
    ['postgresql', () => postgresEntry.configureModels('postgresql', { tablePrefix: 'ep_' })],
    ['mysql', () => mysqlEntry.configureModels('mysql', { tablePrefix: 'ep_' })],
    ['sqlite', () => sqliteEntry.configureModels('sqlite', { tablePrefix: 'ep_' })],
  ] as const)('the %s entry gives the tables @es/drizzle gives, as drizzle-kit writes them', async (dialect, fromEntry) => {
    const fromRoot = root.configureModels(dialect as never, { tablePrefix: 'ep_' });
    const entryModels = fromEntry();
    expect(Object.keys(entryModels)).toEqual(Object.keys(fromRoot));
    expect(await generateMigrationSql(dialect, entryModels)).toEqual(await generateMigrationSql(dialect, fromRoot));
  });

  it('another dialect, or a name Drizzle does not use, is refused rather than guessed', () => {
    const refusals = [
      () => postgresEntry.configureModels('mysql' as never),
      () => mysqlEntry.configureModels('sqlite' as never),
      () => sqliteEntry.configureModels('postgresql' as never),
      () => root.configureModels('postgres' as never),
    ];
    for (const refused of refusals) {
      expect(refused).toThrow(InvalidArgumentError);
      expect(refused).toThrow(/configureModels: expected the dialect/);
    }
  });
});

describe('backends', () => {
  it("each entry refuses another dialect's database, naming the entry to import", () => {
    const sqlite = drizzleSqlite(new Database(':memory:'));
    const pool = new pg.Pool({ connectionString: testDatabases.postgres('es_drizzle') });
    try {
      const postgres = drizzlePg(pool);
      expect(() => postgresEntry.createDrizzleBackend(sqlite as never)).toThrow(
        /^@es\/drizzle\/postgresql: expected a Drizzle database on node-postgres; for another, import from @es\/drizzle\/mysql, @es\/drizzle\/sqlite or @es\/drizzle$/,
      );
      expect(() => mysqlEntry.createDrizzleBackend(postgres as never)).toThrow(InvalidArgumentError);
      expect(() => sqliteEntry.createDrizzleBackend(postgres as never)).toThrow(/^@es\/drizzle\/sqlite: expected/);
    } finally {
      sqlite.$client.close();
      void pool.end();
    }
  });

  it('the SQLite entry runs the store on better-sqlite3', async () => {
    const client = new Database(':memory:');
    for (const statement of await generateMigrationSql('sqlite', sqliteEntry.configureModels('sqlite'))) {
      client.exec(statement);
    }
    const store = createEventStore({
      backend: sqliteEntry.createDrizzleBackend(drizzleSqlite(client)),
      events: [Opened],
    });
    await store.append({ category: 'account', id: 'a-1' }, Opened.create({ owner: 'ann' }), {
      expectedVersion: 'no_stream',
    });
    const [read] = await store.readStream({ category: 'account', id: 'a-1' });
    expect(read?.data).toEqual({ owner: 'ann' });
    client.close();
  });

  it('the PostgreSQL entry runs the store on node-postgres, joining db.transaction', async () => {
    const pool = new pg.Pool({ connectionString: testDatabases.postgres('es_drizzle') });
    try {
      await recreatePostgresTables(pool, 'entry_');
      const db = drizzlePg(pool);
      const store = createEventStore({
        backend: postgresEntry.createDrizzleBackend(db, { tablePrefix: 'entry_' }),
        events: [Opened],
      });
      await db
        .transaction(async (tx) => {
          await store.withTransaction(tx).append({ category: 'account', id: 'a-1' }, Opened.create({ owner: 'ann' }), {
            expectedVersion: 'no_stream',
          });
          throw new Error('rolled back');
        })
        .catch(() => {});
      expect(await store.readStream({ category: 'account', id: 'a-1' })).toEqual([]);
      await store.append({ category: 'account', id: 'a-1' }, Opened.create({ owner: 'bo' }), {
        expectedVersion: 'no_stream',
      });
      expect((await store.readStream({ category: 'account', id: 'a-1' })).map((event) => event.data)).toEqual([
        { owner: 'bo' },
      ]);
    } finally {
      await pool.end();
    }
  });
});
