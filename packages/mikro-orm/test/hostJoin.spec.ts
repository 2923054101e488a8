import { createEventStore, InvalidArgumentError, TransactionNotOpenError } from '@es/core';
import { tableNames } from '@es/core/sql';
import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/core';
import { configureModels, createMikroOrmBackend, type MikroOrmHandle } from '../src/index.js';
import { AccountOpened, accountEntity, dialects, openHostOrm } from './hostOrm.ts';

// The host application: its own entity, the store's entities added by configureModels.
const Account = accountEntity('hj_accounts');
const tablePrefix = 'hj_';

describe.each(dialects)('MikroORM on %s: the host unit of work', (dialect) => {
  let orm: MikroORM;
  let store: ReturnType<typeof openStore>;
  const openStore = (em: MikroOrmHandle) =>
    createEventStore({ backend: createMikroOrmBackend(em, { tablePrefix }), events: [AccountOpened] });
  const accounts = (id: string) => orm.em.fork().count(Account, { id });
  /** The host's unit of work through `em`: an account entity, and its AccountOpened event. */
  const openAccount = (em: EntityManager, id: string, owner: string) => {
    em.create(Account, { id, owner });
    return store
      .withTransaction(em as MikroOrmHandle)
      .append({ category: 'account', id }, AccountOpened.create({ owner }), { expectedVersion: 'no_stream' });
  };
  let counter = 0;
  const newId = () => `${dialect}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

  beforeAll(async () => {
    orm = await openHostOrm(dialect, { entities: [Account], tablePrefix, name: 'host-join' });
    store = openStore(orm.em as MikroOrmHandle);
  });
  afterAll(() => orm?.close());

  test('an entity and events written in one em.transactional: a throw leaves neither', async () => {
    const id = newId();
    await expect(
      orm.em.transactional(async (em) => {
        await openAccount(em, id, 'ada');
        throw new Error('the host gives up');
      }),
    ).rejects.toThrow('the host gives up');
    expect(await accounts(id)).toBe(0);
    expect(await store.streamVersion({ category: 'account', id })).toBe(0);
  });

  test('an entity and events written in one em.transactional: a commit keeps both', async () => {
    const id = newId();
    await orm.em.transactional((em) => openAccount(em, id, 'grace'));
    expect(await accounts(id)).toBe(1);
    expect((await store.readStream({ category: 'account', id })).map((event) => event.type)).toEqual(['AccountOpened']);
  });

  test('append neither flushes the unit of work nor adds entities to the identity map', async () => {
    const id = newId();
    await orm.em.transactional(async (em) => {
      await openAccount(em, id, 'edsger');
      // The account is still only persisted (em.transactional flushes it after the callback),
      // and the identity map knows the account alone: the store's rows never become entities.
      expect(em.getUnitOfWork().getPersistStack().size).toBe(1);
      expect(
        em
          .getUnitOfWork()
          .getIdentityMap()
          .values()
          .map((entity) => entity.constructor.name),
      ).toEqual(['Account']);
      // Not written yet, seen from another connection (SQLite has only the one this transaction holds).
      if (dialect !== 'sqlite') expect(await orm.em.fork().count(Account, { id })).toBe(0);
    });
    expect(await accounts(id)).toBe(1);
  });

  if (dialect === 'sqlite') {
    test('on SQLite a store call inside em.transactional but not joined to it fails at once, not waiting forever', async () => {
      const id = newId();
      await expect(
        orm.em.transactional(async (em) => {
          em.create(Account, { id, owner: 'kurt' });
          await store.append({ category: 'account', id }, AccountOpened.create({ owner: 'kurt' }), {
            expectedVersion: 'no_stream',
          });
        }),
      ).rejects.toThrow(/not joined to it.*store\.withTransaction\(em\)/);
      expect(await accounts(id)).toBe(0);
      expect(await store.streamVersion({ category: 'account', id })).toBe(0);
    });

    test("on SQLite the store runs on better-sqlite3's Database inside em.transactional, not through Kysely: a throw leaves neither the entity nor the events", async () => {
      const id = newId();
      const throughKysely: string[] = [];
      let appended: number | undefined;
      await expect(
        orm.em.transactional(async (em) => {
          // The Kysely transaction MikroORM holds: every statement sent through it.
          const transaction = em.getTransactionContext<{ executeQuery(query: { sql: string }): Promise<unknown> }>();
          if (!transaction) throw new Error('no transaction');
          const executeQuery = transaction.executeQuery;
          transaction.executeQuery = function (this: unknown, query) {
            throughKysely.push(query.sql);
            return executeQuery.call(this, query);
          };
          await openAccount(em, id, 'edsger');
          appended = await store.withTransaction(em as MikroOrmHandle).streamVersion({ category: 'account', id });
          await em.flush();
          throw new Error('the host gives up');
        }),
      ).rejects.toThrow('the host gives up');
      expect(appended).toBe(1);
      expect(await accounts(id)).toBe(0);
      expect(await store.streamVersion({ category: 'account', id })).toBe(0);
      // The host's flush went through Kysely; none of the store's statements did.
      expect(throughKysely.some((sql) => sql.includes('hj_accounts'))).toBe(true);
      expect(throughKysely.filter((sql) => /hj_(events|streams)/.test(sql))).toEqual([]);
    });

    test("on SQLite the store's own appends and the host's own transactions on other EntityManagers run side by side, neither inside the other", async () => {
      const rounds = 40;
      const ids = Array.from({ length: rounds }, () => newId());
      const results = await Promise.allSettled([
        // The store's appends (no handle: transactions of its own on the driver).
        ...ids.map((id) =>
          store.append({ category: 'account', id }, AccountOpened.create({ owner: 'store' }), {
            expectedVersion: 'no_stream',
          }),
        ),
        // The host's transactions, each with a pause inside; every other one gives up.
        ...ids.map((id, index) =>
          orm.em.fork().transactional(async (em) => {
            em.create(Account, { id, owner: 'host' });
            await em.flush();
            await new Promise((resolve) => setTimeout(resolve, index % 3));
            if (index % 2 === 1) throw new Error(`host ${index} gives up`);
          }),
        ),
      ]);
      const failures = results.flatMap((result, index) =>
        result.status === 'rejected' ? [`${index}: ${(result.reason as Error).message}`] : [],
      );
      expect(failures).toEqual(
        ids.flatMap((_, index) => (index % 2 === 1 ? [`${rounds + index}: host ${index} gives up`] : [])),
      );
      for (const [index, id] of ids.entries()) {
        expect(await store.streamVersion({ category: 'account', id })).toBe(1);
        expect(await accounts(id)).toBe(index % 2 === 1 ? 0 : 1);
      }
    });

    test('on SQLite the backend refuses a busy timeout, which would block the event loop', async () => {
      const { MikroORM, defineConfig } = await import('@mikro-orm/sqlite');
      const blocking = new MikroORM(defineConfig({ dbName: ':memory:', entities: [Account] }));
      try {
        expect(() => createMikroOrmBackend(blocking.em as MikroOrmHandle)).toThrow(/driverOptions: \{ timeout: 0 \}/);
        expect(() => createMikroOrmBackend(blocking.em as MikroOrmHandle)).toThrow(InvalidArgumentError);
      } finally {
        await blocking.close();
      }
    });
  }

  test('the global em inside em.transactional resolves to the transaction, like any MikroORM call', async () => {
    const id = newId();
    await expect(
      orm.em.transactional(async () => {
        await store
          .withTransaction(orm.em as MikroOrmHandle)
          .append({ category: 'account', id }, AccountOpened.create({ owner: 'alan' }), {
            expectedVersion: 'no_stream',
          });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.streamVersion({ category: 'account', id })).toBe(0);
  });

  test('the em of a nested em.transactional (a savepoint) is refused once it has ended, inside the outer transaction and after it', async () => {
    const id = newId();
    let released: MikroOrmHandle | undefined;
    let rolledBack: MikroOrmHandle | undefined;
    const appendThrough = (em: MikroOrmHandle) =>
      store
        .withTransaction(em)
        .append({ category: 'account', id }, AccountOpened.create({ owner: 'niklaus' }), { expectedVersion: 'any' });
    await orm.em.transactional(async (outer) => {
      await outer.transactional(async (em) => {
        released = em as MikroOrmHandle;
      });
      await expect(
        outer.transactional(async (em) => {
          rolledBack = em as MikroOrmHandle;
          throw new Error('the savepoint rolls back');
        }),
      ).rejects.toThrow('the savepoint rolls back');
      // MikroORM's MySQL connection releases a savepoint without telling its subscribers; there the
      // released savepoint's em writes into the enclosing transaction until that one ends.
      if (dialect !== 'mysql') await expect(appendThrough(released!)).rejects.toThrow(/has committed/);
      await expect(appendThrough(rolledBack!)).rejects.toThrow(/has rolled back/);
    });
    // Once the outer transaction has ended, the savepoint's connection is back in the pool.
    await expect(appendThrough(released!)).rejects.toThrow(TransactionNotOpenError);
    await expect(store.withTransaction(released!).readStream({ category: 'account', id })).rejects.toThrow(
      TransactionNotOpenError,
    );
    expect(await store.streamVersion({ category: 'account', id })).toBe(0);
  });

  test('a joined executor refuses its next statement once the transaction has ended, before sending it', async () => {
    const { connection } = createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix });
    let executor: ReturnType<typeof connection.join> | undefined;
    await orm.em.transactional(async (em) => {
      executor = connection.join(em as MikroOrmHandle);
      expect(await executor.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });
    await expect(executor!.query('SELECT 1 AS one')).rejects.toThrow(/has committed/);
    await expect(executor!.execute(`DELETE FROM ${tablePrefix}events`)).rejects.toThrow(TransactionNotOpenError);
    // And an em outside any transaction has nothing to join.
    expect(() => connection.join(orm.em.fork() as MikroOrmHandle)).toThrow(TransactionNotOpenError);
  });

  test('configureModels refuses options it cannot tell the dialect from, and adds the tables to those it can', () => {
    expect(() => configureModels({ entities: [Account] })).toThrow(InvalidArgumentError);
    const tables = (dialect: 'postgres' | 'mysql') =>
      (configureModels({ entities: [Account] }, { dialect }).entities as EntitySchema[]).map((e) => e.tableName);
    const { logHead, ...storeTables } = tableNames();
    expect(tables('postgres')).toEqual(['hj_accounts', ...Object.values(storeTables)]);
    expect(tables('mysql')).toEqual(['hj_accounts', ...Object.values(storeTables), logHead]);
  });

  test('an em outside any transaction: the store commits its own and leaves that em untouched', async () => {
    const id = newId();
    const em = orm.em.fork();
    await openAccount(em, id, 'barbara');
    expect(await store.streamVersion({ category: 'account', id })).toBe(1);
    expect(await accounts(id)).toBe(0); // still pending in `em`
    await em.flush();
    expect(await accounts(id)).toBe(1);
  });
});
