import type { DeciderRepository } from '@es/core';
import type { MikroOrmHandle } from '@es/mikro-orm';
import { InjectDeciderRepository } from '@es/nestjs';
import { Transactional } from '@mikro-orm/decorators/legacy';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { ConflictException, Injectable } from '@nestjs/common';
import { Booking, Show, ShowSummary } from '../entities.ts';
import { SHOW_CATEGORY, type ShowCommand, type ShowEvent, type ShowState } from './shows.ts';

type Shows = DeciderRepository<ShowState, ShowCommand, ShowEvent, MikroOrmHandle>;

/**
 * Each command is one transaction, MikroORM's `@Transactional()` (an `em.transactional()` around
 * the method): the show's events and the app's entities commit together, and a throw anywhere in
 * it rolls both back. No transaction handle is passed: the repository's store joins the
 * transaction MikroORM keeps current, which `this.em` resolves to as well.
 */
@Injectable()
export class ShowsService {
  constructor(
    /** The EntityManager `@Transactional()` opens its transaction on. */
    readonly em: EntityManager,
    @InjectDeciderRepository(SHOW_CATEGORY) private readonly shows: Shows,
  ) {}

  @Transactional()
  async schedule(id: string, title: string, capacity: number) {
    const { version } = await this.shows.handle(id, { type: 'schedule', title, capacity });
    this.em.create(Show, { id, title, capacity, seatsLeft: capacity, version }); // flushed at commit
    return { id, version };
  }

  /**
   * Appends SeatsBooked at the version the show was loaded at (a concurrent booking that got there
   * first makes it a ConcurrencyError, answered 409), then writes the app's rows. A reference used
   * before fails on the app's own key after the append, and takes the event back with it.
   */
  @Transactional()
  async book(id: string, reference: string, seats: number) {
    const { state, version } = await this.shows.handle(id, { type: 'book', reference, seats });
    this.em.create(Booking, { reference, showId: id, seats, version });
    const show = await this.em.findOneOrFail(Show, id);
    show.seatsLeft = state.seatsLeft;
    show.version = version;
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictException(`booking ${reference} was made already`);
      }
      throw error;
    }
    return { id, reference, version, seatsLeft: state.seatsLeft };
  }

  show(id: string) {
    return this.em.findOne(Show, id);
  }

  summary(id: string) {
    return this.em.findOne(ShowSummary, id);
  }
}
