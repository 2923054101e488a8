import { type Decider, defineEvent } from '@es/core';
import { z } from 'zod';

/** The payload every system writes: small, like a typical domain event. */
// A type alias, not an interface: Emmett's event data must be assignable to a plain record.
export type Deposit = {
  readonly amount: number;
  readonly note: string;
};

export const Deposited = defineEvent('Deposited', z.object({ amount: z.number(), note: z.string() }));

export function deposits(count: number, from = 0): Deposit[] {
  return Array.from({ length: count }, (_, index) => ({ amount: from + index + 1, note: 'bench deposit' }));
}

/** The aggregate of workload 5: a balance folded from deposits. */
export interface Account {
  readonly balance: number;
  readonly deposits: number;
}

export const emptyAccount: Account = { balance: 0, deposits: 0 };

export const applyDeposit = (state: Account, deposit: Deposit): Account => ({
  balance: state.balance + deposit.amount,
  deposits: state.deposits + 1,
});

export const accountDecider: Decider<Account, Deposit, typeof Deposited> = {
  initialState: () => emptyAccount,
  evolve: (state, event) => applyDeposit(state, event.data),
  decide: (command) => Deposited.create(command),
};
