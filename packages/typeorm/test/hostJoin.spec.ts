// The host's path: its own entity saved with TypeORM and events appended, in one transaction of
// the host's DataSource. The store never commits or rolls back that transaction; the host does.
import { createEventStore, defineEvent, stream, TransactionNotOpenError } from '@es/core';
import { createTypeOrmBackend } from '@es/typeorm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Account, hostDialects, hostOptions, migratedDataSource } from './hostDatabase.ts';

const PREFIX = 'hj_';

const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string() }));

describe.each(hostDialects)('host transaction on %s', (dialect) => {
  const options = hostOptions(dialect, PREFIX);
  let dataSource: DataSource;
  /** Another connection, to see what is committed. */
  let observer: DataSource;
  let store: ReturnType<typeof openStore>;
  const openStore = (source: DataSource) =>
    createEventStore({ backend: createTypeOrmBackend(source, { tablePrefix: PREFIX }), events: [AccountOpened] });

  beforeAll(async () => {
    dataSource = await migratedDataSource(options);
    observer = await new DataSource(options).initialize();
    store = openStore(dataSource);
  });

  afterAll(async () => {
    await observer?.destroy();
    await dataSource?.destroy();
  });

  const committed = async (id: string) => ({
    account: await observer.manager.findOneBy(Account, { id }),
    version: await openStore(observer).streamVersion(stream('account', id)),
  });

  it('commits the account and its events together', async () => {
    await dataSource.transaction(async (manager) => {
      await manager.save(Account, { id: 'a-1', owner: 'Ada' });
      await store
        .withTransaction(manager)
        .append(stream('account', 'a-1'), AccountOpened.create({ owner: 'Ada' }), { expectedVersion: 'no_stream' });
      // Appended but not committed: nobody else sees it yet.
      expect(await committed('a-1')).toEqual({ account: null, version: 0 });
    });
    expect(await committed('a-1')).toEqual({ account: { id: 'a-1', owner: 'Ada' }, version: 1 });
  });

  it('rolls back the account and its events together when the host throws', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.save(Account, { id: 'a-2', owner: 'Grace' });
        await store
          .withTransaction(manager)
          .append(stream('account', 'a-2'), AccountOpened.create({ owner: 'Grace' }), { expectedVersion: 'no_stream' });
        throw new Error('the host gives up');
      }),
    ).rejects.toThrow('the host gives up');
    expect(await committed('a-2')).toEqual({ account: null, version: 0 });
  });

  it('joins a transaction held by a QueryRunner, and leaves commit and rollback to it', async () => {
    const write = async (id: string, end: 'commitTransaction' | 'rollbackTransaction') => {
      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.manager.save(Account, { id, owner: 'Linus' });
        await store
          .withTransaction(runner)
          .append(stream('account', id), AccountOpened.create({ owner: 'Linus' }), { expectedVersion: 'no_stream' });
        expect(runner.isTransactionActive).toBe(true);
        await runner[end]();
      } finally {
        await runner.release();
      }
    };
    await write('a-3', 'rollbackTransaction');
    expect(await committed('a-3')).toEqual({ account: null, version: 0 });
    await write('a-4', 'commitTransaction');
    expect(await committed('a-4')).toEqual({ account: { id: 'a-4', owner: 'Linus' }, version: 1 });
  });

  it('refuses a manager that holds no transaction (dataSource.manager) with TransactionNotOpenError, writing nothing', async () => {
    const joined = store.withTransaction(dataSource.manager);
    const append = joined.append(stream('account', 'a-5'), AccountOpened.create({ owner: 'Nobody' }), {
      expectedVersion: 'no_stream',
    });
    await expect(append).rejects.toBeInstanceOf(TransactionNotOpenError);
    await expect(append).rejects.toMatchObject({ code: 'TRANSACTION_NOT_OPEN', message: /dataSource\.manager/ });
    await expect(joined.readStream(stream('account', 'a-5'))).rejects.toBeInstanceOf(TransactionNotOpenError);
    expect(await committed('a-5')).toEqual({ account: null, version: 0 });
  });

  it('refuses a QueryRunner whose transaction was never started, has committed or rolled back, or is released', async () => {
    const runner = dataSource.createQueryRunner();
    const refused = async () =>
      expect(
        store
          .withTransaction(runner)
          .append(stream('account', 'a-6'), AccountOpened.create({ owner: 'Nobody' }), { expectedVersion: 'any' }),
      ).rejects.toBeInstanceOf(TransactionNotOpenError);
    try {
      await refused();
      await runner.startTransaction();
      await runner.commitTransaction();
      await refused();
      await runner.startTransaction();
      await runner.rollbackTransaction();
      await refused();
    } finally {
      await runner.release();
    }
    await refused();
    expect(await committed('a-6')).toEqual({ account: null, version: 0 });
  });

  it('checks before every statement: a handle whose transaction ends after it was joined runs nothing more', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    const joined = createTypeOrmBackend(dataSource, { tablePrefix: PREFIX }).connection.join(runner);
    await joined.execute(`INSERT INTO ${PREFIX}accounts (id, owner) VALUES ('a-7', 'Ada')`);
    await runner.rollbackTransaction();
    // On SQLite the DataSource's one QueryRunner would otherwise run this outside any transaction.
    await expect(
      joined.execute(`INSERT INTO ${PREFIX}accounts (id, owner) VALUES ('a-8', 'Ada')`),
    ).rejects.toBeInstanceOf(TransactionNotOpenError);
    await runner.release();
    expect(await observer.manager.findOneBy(Account, { id: 'a-7' })).toBeNull();
    expect(await observer.manager.findOneBy(Account, { id: 'a-8' })).toBeNull();
  });
});
