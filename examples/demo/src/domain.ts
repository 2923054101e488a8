import { AggregateRoot, defineEvent, type EventOf } from '@es/core';
import { z } from 'zod';

export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string().min(1) }));
export const MoneyDeposited = defineEvent(
  'MoneyDeposited',
  z.object({ amount: z.number().positive(), reason: z.string() }),
);
export const MoneyWithdrawn = defineEvent(
  'MoneyWithdrawn',
  z.object({ amount: z.number().positive(), reason: z.string() }),
);

export const accountEvents = [AccountOpened, MoneyDeposited, MoneyWithdrawn];
export type AccountEvent = (typeof accountEvents)[number];

export class InsufficientFunds extends Error {}

/** A bank account: behaviour raises events, `apply` folds them into state. */
export class Account extends AggregateRoot<AccountEvent, { owner: string; balance: number }> {
  owner = '';
  balance = 0;

  open(owner: string) {
    if (this.version > 0 || this.uncommittedEvents.length > 0) throw new Error(`account ${this.id} is already open`);
    this.raise(AccountOpened.create({ owner }));
  }

  deposit(amount: number, reason: string) {
    this.raise(MoneyDeposited.create({ amount, reason }));
  }

  withdraw(amount: number, reason: string) {
    if (amount > this.balance)
      throw new InsufficientFunds(`${this.owner} has ${this.balance.toFixed(2)}, cannot withdraw ${amount}`);
    this.raise(MoneyWithdrawn.create({ amount, reason }));
  }

  protected apply(event: EventOf<AccountEvent>) {
    switch (event.type) {
      case 'AccountOpened':
        this.owner = event.data.owner;
        break;
      case 'MoneyDeposited':
        this.balance += event.data.amount;
        break;
      case 'MoneyWithdrawn':
        this.balance -= event.data.amount;
        break;
    }
  }

  override toSnapshot() {
    return { owner: this.owner, balance: this.balance };
  }

  override restoreSnapshot(snapshot: { owner: string; balance: number }) {
    this.owner = snapshot.owner;
    this.balance = snapshot.balance;
  }
}
