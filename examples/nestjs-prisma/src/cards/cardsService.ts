import type { DeciderRepository } from '@es/core';
import { InjectDeciderRepository } from '@es/nestjs';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { Prisma } from '../generated/prisma/client.js';
import type { PrismaTx } from '../prismaService.js';
import type { CardsTransactionHost } from '../store.js';
import { CARD_CATEGORY, type CardCommand, type CardEvent, type CardState } from './giftCards.js';

type Cards = DeciderRepository<CardState, CardCommand, CardEvent, PrismaTx>;

/**
 * Each method is one transaction (`@Transactional()`): the card's events and the app's rows commit
 * together, and a throw anywhere in it rolls both back. No transaction handle is passed: the
 * repository's store joins the transaction the TransactionHost holds, and `txHost.tx` is its
 * Prisma client.
 */
@Injectable()
export class CardsService {
  constructor(
    @Inject(TransactionHost) private readonly txHost: CardsTransactionHost,
    @InjectDeciderRepository(CARD_CATEGORY) private readonly cards: Cards,
  ) {}

  @Transactional()
  async issue(id: string, owner: string, balanceCents: number) {
    const { version } = await this.cards.handle(id, { type: 'issue', owner, balanceCents });
    await this.txHost.tx.giftCard.create({ data: { id, owner, balanceCents, version } });
    return { id, version };
  }

  /**
   * Appends CardRedeemed at the version the card was loaded at (a concurrent redemption that got
   * there first makes it a ConcurrencyError, answered 409), then writes the app's rows. A reference
   * used before fails on the app's own key after the append, and takes the event back with it.
   */
  @Transactional()
  async redeem(id: string, reference: string, amountCents: number) {
    const { state, version } = await this.cards.handle(id, { type: 'redeem', reference, amountCents });
    try {
      await this.txHost.tx.redemption.create({ data: { reference, cardId: id, amountCents, version } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictException(`redemption ${reference} was made already`);
      }
      throw error;
    }
    await this.txHost.tx.giftCard.update({ where: { id }, data: { balanceCents: state.balanceCents, version } });
    return { id, reference, version, balanceCents: state.balanceCents };
  }

  card(id: string) {
    return this.txHost.tx.giftCard.findUnique({ where: { id } });
  }

  summary(id: string) {
    return this.txHost.tx.cardSummary.findUnique({ where: { cardId: id } });
  }
}
