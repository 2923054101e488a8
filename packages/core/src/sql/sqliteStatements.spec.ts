import type { DatabaseSync } from 'node:sqlite';
import BetterSqlite3 from 'better-sqlite3';
import { PREPARED } from './executor.js';
import {
  isSqliteDriverDatabase,
  SQLITE_STATEMENT_CACHE_SIZE,
  type SqliteDriverDatabase,
  sqliteDriverExecutor,
} from './sqliteStatements.js';

// node:sqlite, Node's own driver: a real database, no native build. (Loaded this way because
// jest's resolver does not know the `node:sqlite` specifier.)
const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');

/** A real in-memory database whose `prepare` calls are counted by text. */
function countingDatabase(): { database: SqliteDriverDatabase; raw: DatabaseSync; prepared: (text: string) => number } {
  const raw = new Database(':memory:');
  const counts = new Map<string, number>();
  const database: SqliteDriverDatabase & { exec(sql: string): void } = {
    prepare(text) {
      counts.set(text, (counts.get(text) ?? 0) + 1);
      return raw.prepare(text) as never;
    },
    exec: (sql) => raw.exec(sql),
  };
  return { database, raw, prepared: (text) => counts.get(text) ?? 0 };
}

const INSERT = 'INSERT INTO items (id, flag) VALUES (?, ?)';

describe('sqliteDriverExecutor', () => {
  it('prepares a PREPARED text once per database, and an unmarked text at every run', async () => {
    const { database, raw, prepared } = countingDatabase();
    raw.exec('CREATE TABLE items (id TEXT PRIMARY KEY, flag INTEGER)');
    const first = sqliteDriverExecutor(database);
    const second = sqliteDriverExecutor(database);
    await first.execute(INSERT, ['a', 1], PREPARED);
    await second.execute(INSERT, ['b', 1], PREPARED);
    expect(prepared(INSERT)).toBe(1);
    await first.query('SELECT id FROM items ORDER BY id');
    await first.query('SELECT id FROM items ORDER BY id');
    expect(prepared('SELECT id FROM items ORDER BY id')).toBe(2);
  });

  it("gives a one-row insert's rowid, as the table's next one", async () => {
    const { database, raw } = countingDatabase();
    raw.exec('CREATE TABLE logged (position INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)');
    raw.exec("INSERT INTO logged (position, name) VALUES (41, 'before')");
    const executor = sqliteDriverExecutor(database);
    const insert = 'INSERT INTO logged (name) VALUES (?)';
    expect(await executor.insertRowId?.(insert, ['first'], PREPARED)).toBe(42n);
    expect(await executor.insertRowId?.(insert, ['second'], PREPARED)).toBe(43n);
    expect(raw.prepare('SELECT position, name FROM logged ORDER BY position').all()).toEqual([
      { position: 41, name: 'before' },
      { position: 42, name: 'first' },
      { position: 43, name: 'second' },
    ]);
  });

  it('binds booleans as 0 and 1, and returns rows and affected counts as the driver gives them', async () => {
    const { database, raw } = countingDatabase();
    raw.exec('CREATE TABLE items (id TEXT PRIMARY KEY, flag INTEGER)');
    const executor = sqliteDriverExecutor(database);
    expect(await executor.execute(INSERT, ['yes', true], PREPARED)).toBe(1);
    expect(await executor.execute(INSERT, ['no', false], PREPARED)).toBe(1);
    expect(await executor.execute('UPDATE items SET flag = ? WHERE flag = ?', [null, 0])).toBe(1);
    const rows = await executor.query('SELECT id, flag FROM items ORDER BY id', [], PREPARED);
    expect(rows.map((row) => ({ ...row }))).toEqual([
      { id: 'no', flag: null },
      { id: 'yes', flag: 1 },
    ]);
  });

  it('a cached statement still runs after its table is dropped and created again (SQLite re-prepares it)', async () => {
    const { database, raw, prepared } = countingDatabase();
    const executor = sqliteDriverExecutor(database);
    raw.exec('CREATE TABLE items (id TEXT PRIMARY KEY, flag INTEGER)');
    await executor.execute(INSERT, ['before', 1], PREPARED);
    // Another column order and an extra column: the old compiled statement would write the wrong columns.
    raw.exec('DROP TABLE items; CREATE TABLE items (note TEXT, flag INTEGER, id TEXT PRIMARY KEY)');
    await executor.execute(INSERT, ['after', 0], PREPARED);
    expect(prepared(INSERT)).toBe(1);
    const rows = await executor.query('SELECT id, flag, note FROM items');
    expect(rows.map((row) => ({ ...row }))).toEqual([{ id: 'after', flag: 0, note: null }]);
    // While the table is missing, the cached statement fails as the text would.
    raw.exec('DROP TABLE items');
    await expect(executor.execute(INSERT, ['gone', 1], PREPARED)).rejects.toThrow(/no such table/);
  });

  it(`keeps at most ${SQLITE_STATEMENT_CACHE_SIZE} statements per database, dropping the oldest prepared`, async () => {
    const { database, prepared } = countingDatabase();
    const executor = sqliteDriverExecutor(database);
    const text = (n: number) => `SELECT ${n} AS n`;
    for (let n = 0; n < SQLITE_STATEMENT_CACHE_SIZE; n++) await executor.query(text(n), [], PREPARED);
    await executor.query(text(0), [], PREPARED); // a hit: still the oldest
    await executor.query(text(SQLITE_STATEMENT_CACHE_SIZE), [], PREPARED); // evicts text(0)
    await executor.query(text(1), [], PREPARED);
    await executor.query(text(0), [], PREPARED);
    expect(prepared(text(1))).toBe(1);
    expect(prepared(text(0))).toBe(2);
    expect(prepared(text(SQLITE_STATEMENT_CACHE_SIZE))).toBe(1);
  });

  it('runs beforeStatement first: a throw there rejects the call and prepares nothing', async () => {
    const { database, raw, prepared } = countingDatabase();
    raw.exec('CREATE TABLE items (id TEXT PRIMARY KEY, flag INTEGER)');
    const executor = sqliteDriverExecutor(database, {
      beforeStatement: () => {
        throw new Error('closed');
      },
    });
    await expect(executor.execute(INSERT, ['a', 1], PREPARED)).rejects.toThrow('closed');
    expect(prepared(INSERT)).toBe(0);
    expect(raw.prepare('SELECT count(*) AS n FROM items').get()).toEqual({ n: 0 });
  });

  it('tells a synchronous driver database from other values', () => {
    expect(isSqliteDriverDatabase(new Database(':memory:'))).toBe(true);
    expect(isSqliteDriverDatabase({ prepare() {} })).toBe(false);
    expect(isSqliteDriverDatabase(undefined)).toBe(false);
  });
});

describe('sqliteDriverExecutor on better-sqlite3', () => {
  const COLUMNS = 'SELECT id, amount, ratio, note, payload, id AS again FROM items ORDER BY id';

  function itemsDatabase(): BetterSqlite3.Database {
    const database = new BetterSqlite3(':memory:');
    database.exec('CREATE TABLE items (id TEXT PRIMARY KEY, amount INTEGER, ratio REAL, note TEXT, payload BLOB)');
    database
      .prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)')
      .run('a', 1, 0.5, 'first', Buffer.from([1, 2]), 'b', 9007199254740991, null, null, null);
    return database;
  }

  it("gives a PREPARED read's rows as the driver's own: each column by name, of every type", async () => {
    const database = itemsDatabase();
    const executor = sqliteDriverExecutor(database);
    const driverRows = database.prepare(COLUMNS).all();
    expect(driverRows).toHaveLength(2);
    for (let run = 0; run < 3; run++) expect(await executor.query(COLUMNS, [], PREPARED)).toEqual(driverRows);
    expect(await executor.query('SELECT note FROM items WHERE id = ?', ['a'], PREPARED)).toEqual([{ note: 'first' }]);
    expect(await executor.query('SELECT note FROM items WHERE id = ?', ['c'], PREPARED)).toEqual([]);
  });

  it('gives the rows a prepared insert returns, and its affected count through execute', async () => {
    const database = itemsDatabase();
    const executor = sqliteDriverExecutor(database);
    const insert = 'INSERT INTO items (id, amount) VALUES (?, ?) RETURNING id, amount * 2 AS doubled';
    expect(await executor.query(insert, ['c', 4], PREPARED)).toEqual([{ id: 'c', doubled: 8 }]);
    expect(await executor.query(insert, ['d', 5], PREPARED)).toEqual([{ id: 'd', doubled: 10 }]);
    const update = 'UPDATE items SET amount = amount + 1 RETURNING id';
    expect(await executor.execute(update, [], PREPARED)).toBe(4);
    expect(database.prepare('SELECT sum(amount) AS total FROM items WHERE id IN (?, ?)').get('c', 'd')).toEqual({
      total: 11,
    });
  });

  it('gives the rows as the driver does where its row function cannot be generated from text', async () => {
    const database = itemsDatabase();
    const executor = sqliteDriverExecutor(database);
    const driverRows = database.prepare(COLUMNS).all();
    // Refused for the executor's row function only: better-sqlite3 13 generates its own.
    const generate = globalThis.Function;
    globalThis.Function = function refused(...text: string[]) {
      if (text[0] === 'values') throw new EvalError('Code generation from strings disallowed for this context');
      return generate(...text);
    } as unknown as FunctionConstructor;
    try {
      expect(await executor.query(COLUMNS, [], PREPARED)).toEqual(driverRows);
    } finally {
      globalThis.Function = generate;
    }
    expect(await executor.query(COLUMNS, [], PREPARED)).toEqual(driverRows);
  });
});
