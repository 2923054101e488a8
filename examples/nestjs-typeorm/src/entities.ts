import { EntitySchema } from 'typeorm';

/** The application's own row for each deposit, written in the same transaction as its event. */
export interface Deposit {
  /** The client's id for the deposit: a second request with the same id is refused. */
  id: string;
  accountId: string;
  amount: number;
  /** The version of the account's stream the deposit's event was appended at. */
  streamVersion: number;
}

export const Deposit = new EntitySchema<Deposit>({
  name: 'Deposit',
  tableName: 'deposits',
  columns: {
    id: { type: 'varchar', length: 100, primary: true },
    accountId: { name: 'account_id', type: 'varchar', length: 100 },
    amount: { type: 'integer' },
    streamVersion: { name: 'stream_version', type: 'integer' },
  },
});

/** The read model the `account-summaries` consumer keeps from the events. */
export interface AccountSummary {
  accountId: string;
  owner: string;
  balance: number;
  deposits: number;
}

export const AccountSummary = new EntitySchema<AccountSummary>({
  name: 'AccountSummary',
  tableName: 'account_summaries',
  columns: {
    accountId: { name: 'account_id', type: 'varchar', length: 100, primary: true },
    owner: { type: 'varchar', length: 100 },
    balance: { type: 'integer' },
    deposits: { type: 'integer' },
  },
});
