import { createEventStore, type EventStore, stream } from '@es/core';
import { createTypeOrmBackend, type TypeOrmHandle } from '@es/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Account } from './entities.ts';
import { AccountOpened, bankEvents, MoneyDeposited, MoneyWithdrawn } from './events.ts';

export class BankError extends Error {}

type Store = EventStore<(typeof bankEvents)[number], TypeOrmHandle>;

/**
 * Each operation is ONE transaction of the application's DataSource: the account row is saved
 * with TypeORM and the events are appended through the same manager. Both commit together, or
 * neither does. The row carries the stream version, so a concurrent change to the same account
 * fails the append with a ConcurrencyError instead of being overwritten.
 */
export function createBank(dataSource: DataSource, tablePrefix: string) {
  const store: Store = createEventStore({
    backend: createTypeOrmBackend(dataSource, { tablePrefix }),
    events: bankEvents,
  });

  const load = async (manager: EntityManager, id: string) => {
    const account = await manager.findOneBy(Account, { id });
    if (!account) throw new BankError(`no account ${id}`);
    return account;
  };

  /** Saves the changed row and appends its events at the version the row was read at. */
  const record = async (
    manager: EntityManager,
    account: Account,
    change: Partial<Account>,
    events: Parameters<Store['append']>[1],
  ) => {
    const result = await store.withTransaction(manager).append(stream('account', account.id), events, {
      expectedVersion: account.version === 0 ? 'no_stream' : account.version,
    });
    await manager.save(Account, { ...account, ...change, version: result.nextExpectedVersion });
  };

  return {
    store,
    open: (id: string, owner: string) =>
      dataSource.transaction((manager) =>
        record(manager, { id, owner, balance: 0, version: 0 }, {}, AccountOpened.create({ owner })),
      ),
    deposit: (id: string, amount: number) =>
      dataSource.transaction(async (manager) => {
        const account = await load(manager, id);
        await record(manager, account, { balance: account.balance + amount }, MoneyDeposited.create({ amount }));
      }),
    /** Both legs in one transaction: if the second fails, the first is rolled back with it. */
    transfer: (from: string, to: string, amount: number) =>
      dataSource.transaction(async (manager) => {
        const source = await load(manager, from);
        if (source.balance < amount) throw new BankError(`${from} has ${money(source.balance)}`);
        await record(manager, source, { balance: source.balance - amount }, MoneyWithdrawn.create({ amount, to }));
        const target = await load(manager, to);
        await record(manager, target, { balance: target.balance + amount }, MoneyDeposited.create({ amount }));
      }),
    account: (id: string) => dataSource.manager.findOneBy(Account, { id }),
    history: (id: string) => store.readStream(stream('account', id)),
  };
}

export const money = (cents: number) => (cents / 100).toFixed(2);
