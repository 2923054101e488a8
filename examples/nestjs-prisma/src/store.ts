import type { ConsumerOptions } from '@es/core';
import { type EsModuleOptions, transactionHostContext } from '@es/nestjs';
import { createPrismaBackend } from '@es/prisma';
import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterPrisma } from '@nestjs-cls/transactional-adapter-prisma';
import { type CardEvent, cardEvents } from './cards/giftCards.js';
import type { PrismaService, PrismaTx } from './prismaService.js';

export type CardsTransactionHost = TransactionHost<TransactionalAdapterPrisma<PrismaService>>;

/**
 * The card-summaries read model, kept from the events in the consumer's own transaction: its rows
 * and its checkpoint commit together.
 */
export const cardSummaries: ConsumerOptions<CardEvent, PrismaTx> = {
  name: 'card-summaries',
  async handle(events, { transaction }) {
    for (const event of events) {
      const cardId = event.stream.id;
      if (event.type === 'CardIssued') {
        const { owner, balanceCents } = event.data;
        await transaction.cardSummary.create({
          data: { cardId, owner, balanceCents, redemptions: 0, version: event.version },
        });
      } else {
        await transaction.cardSummary.update({
          where: { cardId },
          data: {
            balanceCents: { decrement: event.data.amountCents },
            redemptions: { increment: 1 },
            version: event.version,
          },
        });
      }
    }
  },
};

/**
 * The store on the app's PrismaClient. A store call with no handle joins the transaction of the
 * `@Transactional()` method it runs in (`transactionHostContext`); outside one it is refused
 * (`requireTransaction`), so no write can miss the host's rows by accident.
 */
export function storeOptions(
  txHost: CardsTransactionHost,
  prisma: PrismaService,
): EsModuleOptions<CardEvent, PrismaTx> {
  return {
    backend: createPrismaBackend(prisma),
    events: cardEvents,
    transactionContext: transactionHostContext(txHost),
    requireTransaction: true,
    consumers: [cardSummaries],
  };
}
