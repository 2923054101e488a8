import type { ConsumerOptions } from '@es/core';
import { createMikroOrmBackend, type MikroOrmHandle, mikroOrmContext } from '@es/mikro-orm';
import type { EsModuleOptions } from '@es/nestjs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ShowSummary } from './entities.ts';
import { tablePrefix } from './mikro-orm.config.ts';
import { type ShowEvent, showEvents } from './shows/shows.ts';

/**
 * The show-summaries read model, kept from the events in the consumer's own transaction: the
 * entities it creates or changes through `em` are flushed with its checkpoint.
 */
export const showSummaries: ConsumerOptions<ShowEvent, MikroOrmHandle> = {
  name: 'show-summaries',
  async handle(events, { transaction: em }) {
    for (const event of events) {
      const showId = event.stream.id;
      if (event.type === 'ShowScheduled') {
        em.create(ShowSummary, {
          showId,
          title: event.data.title,
          seatsBooked: 0,
          bookings: 0,
          version: event.version,
        });
      } else {
        const summary = await em.findOneOrFail(ShowSummary, showId);
        summary.seatsBooked += event.data.seats;
        summary.bookings += 1;
        summary.version = event.version;
      }
    }
  },
};

/**
 * The store on the app's EntityManager (the one Nest injects, which MikroORM resolves to the
 * request's fork or the open transaction). A store call with no handle joins the transaction of
 * the `@Transactional()` method it runs in (`mikroOrmContext`); outside one it is refused
 * (`requireTransaction`), so no write can miss the app's rows by accident.
 */
export function storeOptions(em: EntityManager): EsModuleOptions<ShowEvent, MikroOrmHandle> {
  return {
    backend: createMikroOrmBackend(em, { tablePrefix }),
    events: showEvents,
    transactionContext: mikroOrmContext(em),
    requireTransaction: true,
    consumers: [showSummaries],
  };
}
