import {
  AggregateRoot,
  ConcurrencyError,
  createAggregateRepository,
  createRepository,
  type Decider,
  type EventOf,
} from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { Deposited, KitError, Withdrawn } from '../fixtures.js';

type Money = typeof Deposited | typeof Withdrawn;
type Command = { kind: 'deposit'; amount: number } | { kind: 'withdraw'; amount: number };

const account: Decider<{ balance: number }, Command, Money> = {
  initialState: () => ({ balance: 0 }),
  evolve: (state, event) =>
    event.type === 'Deposited'
      ? { balance: state.balance + event.data.amount }
      : { balance: state.balance - event.data.amount },
  decide: (command, state) => {
    if (command.kind === 'deposit') return Deposited.create({ amount: command.amount });
    if (state.balance < command.amount) throw new KitError('insufficient funds');
    return Withdrawn.create({ amount: command.amount });
  },
};

class Account extends AggregateRoot<Money, { balance: number }> {
  balance = 0;
  deposit(amount: number) {
    this.raise(Deposited.create({ amount }));
  }
  protected apply(event: EventOf<Money>) {
    this.balance += event.type === 'Deposited' ? event.data.amount : -event.data.amount;
  }
  override toSnapshot() {
    return { balance: this.balance };
  }
  override restoreSnapshot(snapshot: { balance: number }) {
    this.balance = snapshot.balance;
  }
}

export function aggregatesSuite<H>(ctx: SuiteContext<H>): void {
  describe('aggregates and repositories', () => {
    it('a decider repository handles commands and reloads the state', async () => {
      const repository = createRepository(ctx.store(), { category: 'account', decider: account });
      const id = uniqueId();
      await repository.handle(id, { kind: 'deposit', amount: 50 });
      const handled = await repository.handle(id, { kind: 'withdraw', amount: 20 });
      expect(handled.state).toEqual({ balance: 30 });
      expect(handled.version).toBe(2);
      expect(await repository.load(id)).toEqual({ state: { balance: 30 }, version: 2 });
      await expect(repository.handle(id, { kind: 'withdraw', amount: 100 })).rejects.toThrow('insufficient funds');
    });

    it('snapshots every N events and loads from the newest snapshot plus later events', async () => {
      const store = ctx.store();
      const repository = createRepository(store, { category: 'account', decider: account, snapshots: { every: 3 } });
      const id = uniqueId();
      for (let i = 0; i < 7; i++) await repository.handle(id, { kind: 'deposit', amount: 1 });
      const snapshot = await store.loadSnapshot<{ balance: number }>({ category: 'account', id });
      expect(snapshot?.version).toBe(6);
      expect(snapshot?.state).toEqual({ balance: 6 });
      // Doctor the snapshot: a load that used it shows the doctored balance plus event 7.
      await store.saveSnapshot({ category: 'account', id }, { version: 6, state: { balance: 1000 } });
      expect(await repository.load(id)).toEqual({ state: { balance: 1001 }, version: 7 });
    });

    it('ignores a snapshot taken at another schema version', async () => {
      const store = ctx.store();
      const id = uniqueId();
      const v1 = createRepository(store, { category: 'account', decider: account, snapshots: { every: 2 } });
      await v1.handle(id, { kind: 'deposit', amount: 5 });
      await v1.handle(id, { kind: 'deposit', amount: 5 });
      await store.saveSnapshot({ category: 'account', id }, { version: 2, state: { balance: 999 } });
      const v2 = createRepository(store, {
        category: 'account',
        decider: account,
        snapshots: { every: 2, schemaVersion: 2 },
      });
      expect(await v2.load(id)).toEqual({ state: { balance: 10 }, version: 2 });
    });

    it('concurrent commands on one aggregate all land with retries, none lost', async () => {
      const id = uniqueId();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          createRepository(ctx.store(), { category: 'account', decider: account }).handle(
            id,
            { kind: 'deposit', amount: i + 1 },
            { retries: 50 },
          ),
        ),
      );
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const repository = createRepository(ctx.store(), { category: 'account', decider: account });
      expect(await repository.load(id)).toEqual({ state: { balance: 36 }, version: 8 });
    });

    it('a class-based aggregate saves raised events and reloads through a snapshot', async () => {
      const store = ctx.store();
      const repository = createAggregateRepository(store, {
        category: 'account',
        create: (id: string) => new Account(id),
        snapshots: { every: 2 },
      });
      const id = uniqueId();
      const fresh = await repository.load(id);
      fresh.deposit(10);
      fresh.deposit(5);
      await repository.save(fresh);
      expect(fresh.version).toBe(2);
      expect(fresh.uncommittedEvents).toHaveLength(0);
      expect((await store.loadSnapshot({ category: 'account', id }))?.version).toBe(2);
      const loaded = await repository.load(id);
      expect(loaded.balance).toBe(15);
      expect(loaded.version).toBe(2);
      const other = await repository.load(id);
      loaded.deposit(1);
      other.deposit(2);
      await repository.save(loaded);
      await expect(repository.save(other)).rejects.toBeInstanceOf(ConcurrencyError);
    });
  });
}
