import { AggregateRoot, type Decider, defineEvent, type EventOf } from '@es/core';
import { z } from 'zod';
import { given, givenAggregate } from '../src/index.js';

const Deposited = defineEvent('Deposited', z.object({ amount: z.number().positive() }));
const Withdrawn = defineEvent('Withdrawn', z.object({ amount: z.number().positive() }));
type Money = typeof Deposited | typeof Withdrawn;

const account: Decider<number, { withdraw: number }, Money> = {
  initialState: () => 0,
  evolve: (balance, event) => (event.type === 'Deposited' ? balance + event.data.amount : balance - event.data.amount),
  decide: (command, balance) => {
    if (command.withdraw > balance) throw new Error('insufficient funds');
    return Withdrawn.create({ amount: command.withdraw });
  },
};

describe('given/when/then for deciders', () => {
  it('folds the history, decides, and returns the events and the new state', () => {
    const outcome = given(account, [Deposited.create({ amount: 10 })]).when({ withdraw: 4 });
    expect(outcome.events).toEqual([{ type: 'Withdrawn', data: { amount: 4 } }]);
    expect(outcome.state).toBe(6);
    expect(outcome.error).toBeUndefined();
  });

  it('reports a rejected command as its error, and throws it when asked for events', () => {
    const outcome = given(account, []).when({ withdraw: 1 });
    expect(outcome.error).toEqual(new Error('insufficient funds'));
    expect(() => outcome.events).toThrow('insufficient funds');
  });
});

class Wallet extends AggregateRoot<Money> {
  balance = 0;
  spend(amount: number) {
    if (amount > this.balance) throw new Error('empty');
    this.raise(Withdrawn.create({ amount }));
  }
  protected apply(event: EventOf<Money>) {
    this.balance += event.type === 'Deposited' ? event.data.amount : -event.data.amount;
  }
}

describe('given/when for aggregates', () => {
  it('replays history into a fresh instance and returns what the behaviour raised', () => {
    const spec = givenAggregate(() => new Wallet('w-1'), [Deposited.create({ amount: 3 })]);
    expect(spec.when((wallet) => wallet.spend(2))).toEqual([{ type: 'Withdrawn', data: { amount: 2 } }]);
    expect(spec.aggregate.balance).toBe(1);
    expect(spec.aggregate.version).toBe(1);
  });
});
