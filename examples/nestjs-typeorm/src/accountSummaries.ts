import type { ConsumerOptions } from '@es/core';
import { entityManagerOf, type TypeOrmHandle } from '@es/typeorm';
import { AccountSummary } from './entities.ts';
import type { BankEvent } from './events.ts';

/**
 * The read model: one summary row per account. The consumer writes it through the transaction
 * that also moves its checkpoint, so each event counts exactly once.
 */
export const accountSummaries: ConsumerOptions<BankEvent, TypeOrmHandle> = {
  name: 'account-summaries',
  categories: ['account'],
  async handle(events, { transaction }) {
    const manager = entityManagerOf(transaction);
    for (const event of events) {
      const accountId = event.stream.id;
      if (event.type === 'AccountOpened') {
        await manager.insert(AccountSummary, { accountId, owner: event.data.owner, balance: 0, deposits: 0 });
      } else {
        await manager.increment(AccountSummary, { accountId }, 'balance', event.data.amount);
        await manager.increment(AccountSummary, { accountId }, 'deposits', 1);
      }
    }
  },
};
