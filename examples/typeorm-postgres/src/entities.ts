import { EntitySchema } from 'typeorm';

/** The bank's own table: the current state of each account, next to the store's event tables. */
export interface Account {
  id: string;
  owner: string;
  /** In cents. */
  balance: number;
  /** The version of the account's event stream this row reflects. */
  version: number;
}

export const Account = new EntitySchema<Account>({
  name: 'Account',
  tableName: 'ex_typeorm_accounts',
  columns: {
    id: { type: 'varchar', length: 100, primary: true },
    owner: { type: 'varchar', length: 100 },
    balance: { type: 'integer' },
    version: { type: 'integer' },
  },
});
