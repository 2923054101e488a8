import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { CardsService } from './cardsService.js';

const IssueCard = z.object({
  id: z.string().min(1).max(64),
  owner: z.string().min(1).max(200),
  balanceCents: z.number().int().positive(),
});
const RedeemCard = z.object({ reference: z.string().min(1).max(64), amountCents: z.number().int().positive() });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequestException(z.treeifyError(parsed.error));
  return parsed.data;
}

@Controller('cards')
export class CardsController {
  constructor(private readonly cards: CardsService) {}

  @Post()
  issue(@Body() body: unknown) {
    const { id, owner, balanceCents } = parse(IssueCard, body);
    return this.cards.issue(id, owner, balanceCents);
  }

  @Post(':id/redemptions')
  redeem(@Param('id') id: string, @Body() body: unknown) {
    const { reference, amountCents } = parse(RedeemCard, body);
    return this.cards.redeem(id, reference, amountCents);
  }

  /** The app's row, as the last committed request left it. */
  @Get(':id')
  async card(@Param('id') id: string) {
    return (await this.cards.card(id)) ?? notFound();
  }

  /** The read model the consumer keeps: behind the card's row until the consumer has caught up. */
  @Get(':id/summary')
  async summary(@Param('id') id: string) {
    return (await this.cards.summary(id)) ?? notFound();
  }
}

function notFound(): never {
  throw new NotFoundException('no such card');
}
