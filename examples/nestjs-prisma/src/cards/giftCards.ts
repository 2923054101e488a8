// Gift cards as events: issued with a balance, redeemed in parts, never below zero.
import { type Decider, defineEvent, type EventOf } from '@es/core';
import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { z } from 'zod';

export const CardIssued = defineEvent(
  'CardIssued',
  z.object({ owner: z.string().min(1), balanceCents: z.number().int().positive() }),
);
export const CardRedeemed = defineEvent(
  'CardRedeemed',
  z.object({ reference: z.string().min(1), amountCents: z.number().int().positive() }),
);
export const cardEvents = [CardIssued, CardRedeemed] as const;
export type CardEvent = (typeof cardEvents)[number];

export interface CardState {
  readonly issued: boolean;
  readonly balanceCents: number;
}

export type CardCommand =
  | { readonly type: 'issue'; readonly owner: string; readonly balanceCents: number }
  | { readonly type: 'redeem'; readonly reference: string; readonly amountCents: number };

export const CARD_CATEGORY = 'card';

export const cardDecider: Decider<CardState, CardCommand, CardEvent> = {
  initialState: () => ({ issued: false, balanceCents: 0 }),
  evolve(state, event: EventOf<CardEvent>) {
    switch (event.type) {
      case 'CardIssued':
        return { issued: true, balanceCents: event.data.balanceCents };
      case 'CardRedeemed':
        return { ...state, balanceCents: state.balanceCents - event.data.amountCents };
    }
  },
  decide(command, state) {
    if (command.type === 'issue') {
      if (state.issued) throw new ConflictException('this card is issued already');
      return CardIssued.create({ owner: command.owner, balanceCents: command.balanceCents });
    }
    if (!state.issued) throw new NotFoundException('no such card');
    if (command.amountCents > state.balanceCents) {
      throw new UnprocessableEntityException(`the card holds ${state.balanceCents} cents`);
    }
    return CardRedeemed.create({ reference: command.reference, amountCents: command.amountCents });
  },
};
