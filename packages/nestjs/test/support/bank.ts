// A small domain for the module's tests: accounts, as a decider and as an AggregateRoot class.
import { AggregateRoot, type Decider, defineEvent, type EventOf } from '@es/core';
import { z } from 'zod';

export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string().min(1) }));
export const MoneyDeposited = defineEvent('MoneyDeposited', z.object({ amount: z.number().int().positive() }));
export const bankEvents = [AccountOpened, MoneyDeposited];
export type BankEvent = (typeof bankEvents)[number];

export interface AccountState {
  open: boolean;
  balance: number;
}
export type AccountCommand = { type: 'open'; owner: string } | { type: 'deposit'; amount: number };

export const accountDecider: Decider<AccountState, AccountCommand, BankEvent> = {
  initialState: () => ({ open: false, balance: 0 }),
  evolve: (state, event) =>
    event.type === 'AccountOpened'
      ? { ...state, open: true }
      : { ...state, balance: state.balance + event.data.amount },
  decide: (command, state) => {
    if (command.type === 'open') {
      if (state.open) throw new Error('already open');
      return AccountOpened.create({ owner: command.owner });
    }
    if (!state.open) throw new Error('no such account');
    return MoneyDeposited.create({ amount: command.amount });
  },
};

/** The same account as a class: deposits kept in a ledger. */
export class Ledger extends AggregateRoot<BankEvent> {
  balance = 0;

  open(owner: string): void {
    this.raise(AccountOpened.create({ owner }));
  }

  deposit(amount: number): void {
    this.raise(MoneyDeposited.create({ amount }));
  }

  protected apply(event: EventOf<BankEvent>): void {
    if (event.type === 'MoneyDeposited') this.balance += event.data.amount;
  }
}

/** A promise resolved from outside: lets a test hold a handler in flight. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
