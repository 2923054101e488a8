import { createEventStore, stream, TransactionRequiredError } from '@es/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { type MikroORM, RequestContext } from '@mikro-orm/core';
import { createMikroOrmBackend, type MikroOrmHandle, mikroOrmContext } from '../src/index.js';
import { AccountOpened, accountEntity, dialects, openHostOrm } from './hostOrm.ts';

// The host application: its own entity, written in the same transactions as the events. The
// conformance kit's ambient suite runs mikroOrmContext with em.transactional on every MikroORM row
// (commit and rollback with flushed rows, reads inside, an outer throw over a savepoint, Promise.all,
// concurrent transactions, propagation outside one, consumers woken after the commit); here, what
// is MikroORM's own: entities flushed at commit, savepoints, the request context's fork, afterCommit.
const Account = accountEntity('amb_accounts');
const tablePrefix = 'amb_';

describe.each(dialects)('MikroORM on %s: mikroOrmContext joins the transaction MikroORM keeps current', (dialect) => {
  let orm: MikroORM;
  let backend: ReturnType<typeof createMikroOrmBackend>;
  let store: ReturnType<typeof openStore>;
  const openStore = (options: { requireTransaction?: boolean } = {}) =>
    createEventStore({
      backend,
      events: [AccountOpened],
      transactionContext: mikroOrmContext(orm.em as MikroOrmHandle),
      ...options,
    });
  let counter = 0;
  const newId = () => `${dialect}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  const account = (id: string) => stream('account', id);

  /** The host's write and the store's, with no handle passed: both go through `orm.em`'s context. */
  const openAccount = async (id: string, onStore = store) => {
    orm.em.create(Account, { id, owner: `owner of ${id}` });
    await onStore.append(account(id), AccountOpened.create({ owner: `owner of ${id}` }), {
      expectedVersion: 'no_stream',
    });
  };
  /** The account's rows and events as committed, seen from outside any transaction. */
  const committed = async (id: string) => ({
    rows: await orm.em.fork().count(Account, { id }),
    events: await store.streamVersion(account(id)),
  });

  beforeAll(async () => {
    orm = await openHostOrm(dialect, { entities: [Account], tablePrefix, name: 'ambient' });
    backend = createMikroOrmBackend(orm.em as MikroOrmHandle, { tablePrefix });
    store = openStore();
  });
  afterAll(() => orm?.close());

  test('a commit keeps the host entity and the events together', async () => {
    const id = newId();
    await orm.em.transactional(async () => {
      await openAccount(id);
      // Not committed yet: a store with no context reads on another connection (SQLite has one).
      if (dialect !== 'sqlite')
        expect(await createEventStore({ backend, events: [AccountOpened] }).streamVersion(account(id))).toBe(0);
    });
    expect(await committed(id)).toEqual({ rows: 1, events: 1 });
  });

  test('nested em.transactional: a savepoint that throws takes its entity and its events, as MikroORM does its own writes', async () => {
    const [outer, inner, kept] = [newId(), newId(), newId()];
    await orm.em.transactional(async (em) => {
      await openAccount(outer);
      // A nested em.transactional works on a fork that takes over what is pending here and flushes
      // it in its savepoint: flushed first, the outer account does not depend on the savepoint.
      await em.flush();
      await expect(
        em.transactional(async (nested) => {
          await openAccount(inner);
          await nested.flush();
          throw new Error('the savepoint rolls back');
        }),
      ).rejects.toThrow('the savepoint rolls back');
      await em.transactional(() => openAccount(kept));
    });
    expect(await committed(outer)).toEqual({ rows: 1, events: 1 });
    expect(await committed(inner)).toEqual({ rows: 0, events: 0 });
    expect(await committed(kept)).toEqual({ rows: 1, events: 1 });
  });

  test("the request context's fork: em.transactional and em.begin() … commit() / rollback() on it are joined", async () => {
    const [transactional, begun, abandoned] = [newId(), newId(), newId()];
    await RequestContext.create(orm.em, async () => {
      await orm.em.transactional(() => openAccount(transactional));
      await orm.em.begin();
      await openAccount(begun);
      await orm.em.commit();
      await orm.em.begin();
      await openAccount(abandoned);
      await orm.em.flush();
      await orm.em.rollback();
    });
    expect(await committed(transactional)).toEqual({ rows: 1, events: 1 });
    expect(await committed(begun)).toEqual({ rows: 1, events: 1 });
    expect(await committed(abandoned)).toEqual({ rows: 0, events: 0 });
  });

  test("backend.runInTransaction (SQLite's way to queue writers) is joined the same way", async () => {
    const [kept, abandoned] = [newId(), newId()];
    await backend.runInTransaction(() => openAccount(kept));
    await expect(
      backend.runInTransaction(async (em) => {
        await openAccount(abandoned);
        await em.flush();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await committed(kept)).toEqual({ rows: 1, events: 1 });
    expect(await committed(abandoned)).toEqual({ rows: 0, events: 0 });
  });

  test('outside any transaction the store opens its own, and the host entity waits for its own flush', async () => {
    const id = newId();
    await RequestContext.create(orm.em, async () => {
      await openAccount(id);
      expect(await committed(id)).toEqual({ rows: 0, events: 1 });
      await orm.em.flush();
    });
    expect(await committed(id)).toEqual({ rows: 1, events: 1 });
  });

  test('requireTransaction: a write outside any transaction is refused, writing nothing; inside one it joins', async () => {
    const strict = openStore({ requireTransaction: true });
    const id = newId();
    // Outside, and in a request context whose fork is in no transaction: nothing to join.
    await expect(
      strict.append(account(id), AccountOpened.create({ owner: 'ada' }), { expectedVersion: 'no_stream' }),
    ).rejects.toBeInstanceOf(TransactionRequiredError);
    await expect(
      RequestContext.create(orm.em, () =>
        strict.append(account(id), AccountOpened.create({ owner: 'ada' }), { expectedVersion: 'no_stream' }),
      ),
    ).rejects.toMatchObject({ code: 'TRANSACTION_REQUIRED' });
    expect(await strict.streamVersion(account(id))).toBe(0); // reads need no transaction
    await orm.em.transactional(() => openAccount(id, strict));
    expect(await committed(id)).toEqual({ rows: 1, events: 1 });
  });

  // SQLite: MikroORM's one connection is the ambient transaction's, so there is no other to be explicit with.
  if (dialect !== 'sqlite') {
    test('an explicit withTransaction(em) still wins over the ambient transaction', async () => {
      const [ambient, explicit] = [newId(), newId()];
      await expect(
        orm.em.transactional(async () => {
          await backend.runInTransaction((own) =>
            store
              .withTransaction(own)
              .append(account(explicit), AccountOpened.create({ owner: 'own' }), { expectedVersion: 'no_stream' }),
          );
          await openAccount(ambient);
          throw new Error('the ambient transaction rolls back');
        }),
      ).rejects.toThrow('the ambient transaction rolls back');
      expect(await committed(ambient)).toEqual({ rows: 0, events: 0 });
      expect(await store.streamVersion(account(explicit))).toBe(1);
    });
  }

  describe('afterCommit', () => {
    let calls: string[];
    const after = (name: string) => mikroOrmContext(orm.em as MikroOrmHandle).afterCommit?.(() => calls.push(name));
    beforeEach(() => {
      calls = [];
    });

    test('runs once the transaction has committed, never inside it nor after a rollback', async () => {
      await orm.em.transactional(async (em) => {
        after('committed');
        em.create(Account, { id: newId(), owner: 'ada' });
        await em.flush();
        expect(calls).toEqual([]);
      });
      expect(calls).toEqual(['committed']);
      await expect(
        orm.em.transactional(async () => {
          after('rolled back');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(calls).toEqual(['committed']);
    });

    test('in nested transactions: after the outer commit, not at a savepoint, not for a savepoint that rolled back', async () => {
      await orm.em.transactional(async (em) => {
        after('outer');
        await em.transactional(async () => {
          after('released savepoint');
        });
        expect(calls).toEqual([]);
        await expect(
          em.transactional(async () => {
            after('rolled back savepoint');
            throw new Error('the savepoint rolls back');
          }),
        ).rejects.toThrow('the savepoint rolls back');
      });
      expect(calls).toEqual(['outer', 'released savepoint']);

      calls = [];
      await expect(
        orm.em.transactional(async (em) => {
          await em.transactional(async () => {
            after('savepoint of a rolled back transaction');
          });
          throw new Error('the outer rolls back');
        }),
      ).rejects.toThrow('the outer rolls back');
      expect(calls).toEqual([]);
    });

    test("on the request context's fork: after em.commit(), not after em.rollback()", async () => {
      await RequestContext.create(orm.em, async () => {
        await orm.em.begin();
        after('commit');
        expect(calls).toEqual([]);
        await orm.em.commit();
        await orm.em.begin();
        after('rollback');
        await orm.em.rollback();
      });
      expect(calls).toEqual(['commit']);
    });
  });
});
