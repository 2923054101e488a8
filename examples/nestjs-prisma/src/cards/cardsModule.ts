import { EsModule } from '@es/nestjs';
import { Module } from '@nestjs/common';
import { CardsController } from './cardsController.js';
import { CardsService } from './cardsService.js';
import { CARD_CATEGORY, cardDecider } from './giftCards.js';

@Module({
  imports: [EsModule.forFeature({ deciders: [{ category: CARD_CATEGORY, decider: cardDecider }] })],
  controllers: [CardsController],
  providers: [CardsService],
})
export class CardsModule {}
