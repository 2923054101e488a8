// typeorm-transactional's ambient transaction: inside its runInTransaction (what @Transactional()
// runs), a store given typeormTransactionalContext and no handle writes in the same transaction as
// the host's repositories, and follows its commit or rollback. The conformance kit's ambient suite
// runs this context on every TypeORM row (commit, rollback, nested REQUIRED calls, Promise.all,
// concurrent transactions, propagation outside one, consumers woken after the commit); here, what
// is typeorm-transactional's own: REQUIRES_NEW, SUPPORTS, and its commit hooks counted.
import { createConsumer, createEventStore, defineEvent, stream, TransactionRequiredError } from '@es/core';
import { createTypeOrmBackend, typeormTransactionalContext } from '@es/typeorm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import {
  addTransactionalDataSource,
  initializeTransactionalContext,
  Propagation,
  runInTransaction,
  runOnTransactionCommit,
  StorageDriver,
} from 'typeorm-transactional';
import { z } from 'zod';
import { Account, type HostDialect, hostDialects, hostOptions, migratedDataSource } from './hostDatabase.ts';

const PREFIX = 'ttx_';
const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string() }));

initializeTransactionalContext({ storageDriver: StorageDriver.ASYNC_LOCAL_STORAGE });

/**
 * On SQLite a TypeORM DataSource is one connection, and a transaction begun while another is open
 * on it becomes a savepoint inside that one: TypeORM's own transactions (and typeorm-transactional's,
 * which are TypeORM's) are not isolated from each other there, so these rows are not either.
 */
const isolates = (dialect: HostDialect) => dialect !== 'sqlite';

describe.each(hostDialects)('typeorm-transactional on %s', (dialect) => {
  const options = hostOptions(dialect, PREFIX);
  let dataSource: DataSource;
  /** Another connection, to see what is committed. */
  let observer: DataSource;
  let observerStore: ReturnType<typeof createEventStore>;
  /** The `afterCommit` callbacks the store handed typeorm-transactional, counted as they run. */
  let afterCommitRuns = 0;
  let store: ReturnType<typeof openStore>;
  const openStore = (requireTransaction = false) =>
    createEventStore({
      backend: createTypeOrmBackend(dataSource, { tablePrefix: PREFIX }),
      events: [AccountOpened],
      requireTransaction,
      transactionContext: typeormTransactionalContext(dataSource, {
        afterCommit: (callback) =>
          runOnTransactionCommit(() => {
            afterCommitRuns += 1;
            callback();
          }),
      }),
    });
  const transactional = <T>(work: () => Promise<T>, propagation?: Propagation) =>
    runInTransaction(work, { connectionName: dialect, propagation });

  beforeAll(async () => {
    dataSource = addTransactionalDataSource({ name: dialect, dataSource: await migratedDataSource(options) });
    observer = await new DataSource(options).initialize();
    observerStore = createEventStore({ backend: createTypeOrmBackend(observer, { tablePrefix: PREFIX }), events: [] });
    store = openStore();
  });

  afterAll(async () => {
    await observer?.destroy();
    await dataSource?.destroy();
  });

  /** The host's own writes, through a repository typeorm-transactional binds to its transaction. */
  const openAccount = (id: string, owner = 'Ada') => dataSource.getRepository(Account).save({ id, owner });
  const appendOpened = (id: string, owner = 'Ada', through = store) =>
    through.append(stream('account', id), AccountOpened.create({ owner }), { expectedVersion: 'no_stream' });
  const committed = async (id: string) => ({
    account: await observer.manager.findOneBy(Account, { id }),
    version: await observerStore.streamVersion(stream('account', id)),
  });
  const written = (id: string, owner = 'Ada') => ({ account: { id, owner }, version: 1 });
  const nothing = { account: null, version: 0 };

  if (isolates(dialect)) {
    it('REQUIRES_NEW inside a transaction: the store follows the inner transaction, as the repositories do', async () => {
      await expect(
        transactional(async () => {
          await transactional(async () => {
            await openAccount('q-1');
            await appendOpened('q-1');
          }, Propagation.REQUIRES_NEW);
          await openAccount('q-2');
          await appendOpened('q-2');
          throw new Error('the outer transaction rolls back');
        }),
      ).rejects.toThrow('the outer transaction rolls back');
      expect(await committed('q-1')).toEqual(written('q-1'));
      expect(await committed('q-2')).toEqual(nothing);
    });
  }

  it('under requireTransaction, Propagation.SUPPORTS outside a transaction runs the method with none to join: refused, writing nothing', async () => {
    const strict = openStore(true);
    await expect(transactional(() => appendOpened('o-1', 'Ada', strict), Propagation.SUPPORTS)).rejects.toBeInstanceOf(
      TransactionRequiredError,
    );
    expect(await committed('o-1')).toEqual(nothing);
  });

  it('afterCommit through runOnTransactionCommit: consumers are woken once the transaction has committed, never on a rollback', async () => {
    const seen: string[] = [];
    const consumer = createConsumer(store, {
      name: `${dialect}-accounts`,
      start: 'end',
      polling: { minMs: 60_000, maxMs: 60_000 },
      handle: async (events) => {
        for (const event of events) seen.push(event.stream.id);
      },
    });
    consumer.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // its first poll found nothing
      afterCommitRuns = 0;
      await expect(
        transactional(async () => {
          await appendOpened('w-1');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await new Promise((resolve) => setImmediate(resolve));
      expect(afterCommitRuns).toBe(0);

      await transactional(async () => {
        await appendOpened('w-2');
        await new Promise((resolve) => setImmediate(resolve));
        expect(afterCommitRuns).toBe(0);
      });
      // typeorm-transactional runs its commit hooks on the next turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(afterCommitRuns).toBe(1);
      // Woken by the commit, not by its next poll a minute away.
      for (let i = 0; i < 500 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen).toEqual(['w-2']);
    } finally {
      await consumer.stop();
    }
  });
});
