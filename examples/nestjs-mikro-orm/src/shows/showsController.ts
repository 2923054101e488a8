import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { ShowsService } from './showsService.ts';

const ScheduleShow = z.object({
  id: z.string().min(1).max(64),
  title: z.string().min(1).max(200),
  capacity: z.number().int().positive(),
});
const BookSeats = z.object({ reference: z.string().min(1).max(64), seats: z.number().int().positive() });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequestException(z.treeifyError(parsed.error));
  return parsed.data;
}

@Controller('shows')
export class ShowsController {
  constructor(private readonly shows: ShowsService) {}

  @Post()
  schedule(@Body() body: unknown) {
    const { id, title, capacity } = parse(ScheduleShow, body);
    return this.shows.schedule(id, title, capacity);
  }

  @Post(':id/bookings')
  book(@Param('id') id: string, @Body() body: unknown) {
    const { reference, seats } = parse(BookSeats, body);
    return this.shows.book(id, reference, seats);
  }

  /** The app's row, as the last committed request left it. */
  @Get(':id')
  async show(@Param('id') id: string) {
    return (await this.shows.show(id)) ?? notFound();
  }

  /** The read model the consumer keeps: behind the show's row until the consumer has caught up. */
  @Get(':id/summary')
  async summary(@Param('id') id: string) {
    return (await this.shows.summary(id)) ?? notFound();
  }
}

function notFound(): never {
  throw new NotFoundException('no such show');
}
