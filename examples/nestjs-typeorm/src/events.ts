import { type Decider, defineEvent } from '@es/core';
import { z } from 'zod';

export const AccountOpened = defineEvent('AccountOpened', z.object({ owner: z.string().min(1).max(100) }));
export const MoneyDeposited = defineEvent(
  'MoneyDeposited',
  z.object({ depositId: z.string().min(1).max(100), amount: z.number().int().positive() }),
);

export const bankEvents = [AccountOpened, MoneyDeposited];
export type BankEvent = (typeof bankEvents)[number];

export class AccountError extends Error {}

export interface Account {
  readonly open: boolean;
  readonly balance: number;
}
export type AccountCommand =
  | { readonly type: 'open'; readonly owner: string }
  | { readonly type: 'deposit'; readonly depositId: string; readonly amount: number };

/** An account's rules: opened once, deposits only into an open account. */
export const accountDecider: Decider<Account, AccountCommand, BankEvent> = {
  initialState: () => ({ open: false, balance: 0 }),
  evolve: (account, event) =>
    event.type === 'AccountOpened'
      ? { ...account, open: true }
      : { ...account, balance: account.balance + event.data.amount },
  decide: (command, account) => {
    if (command.type === 'open') {
      if (account.open) throw new AccountError('the account is open already');
      return AccountOpened.create({ owner: command.owner });
    }
    if (!account.open) throw new AccountError('no such account');
    return MoneyDeposited.create({ depositId: command.depositId, amount: command.amount });
  },
};
