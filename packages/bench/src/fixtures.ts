import { type Decider, defineEvent, personal } from '@es/core';
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

/**
 * Personal data (issue #24): a customer's contact details, two of them personal (encrypted with
 * the customer's data key). `ContactRecordedInClear` is the same event with no field declared
 * personal, so that the two workloads differ by the encryption alone.
 */
export type Contact = {
  readonly customerId: string;
  readonly email: string;
  readonly name: string;
  readonly amount: number;
};

const contactFields = {
  customerId: z.string(),
  email: z.string(),
  name: z.string(),
  amount: z.number(),
};

export const ContactRecorded = defineEvent(
  'ContactRecorded',
  z.object({
    ...contactFields,
    email: personal(z.string(), { subject: 'customerId', erased: '[erased]' }),
    name: personal(z.string(), { subject: 'customerId', erased: '[erased]' }),
  }),
);

export const ContactRecordedInClear = defineEvent('ContactRecorded', z.object(contactFields));

/** `count` contacts of one customer: a hot subject, whose data key the store's cache keeps. */
export function contacts(count: number, from = 0): Contact[] {
  return Array.from({ length: count }, (_, index) => ({
    customerId: 'customer-1',
    email: 'ada.lovelace@example.org',
    name: 'Ada Lovelace',
    amount: from + index + 1,
  }));
}
