import { createEventStore, type EventStore, stream } from '@es/core';
import { createMikroOrmBackend, type MikroOrmHandle } from '@es/mikro-orm';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Order } from './entities.ts';
import { OrderPaid, OrderPlaced, shopEvents } from './events.ts';

export class ShopError extends Error {}

export interface NewOrder {
  readonly id: string;
  readonly reference: string;
  readonly customer: string;
  readonly lines: { sku: string; cents: number }[];
}

type Store = EventStore<(typeof shopEvents)[number], MikroOrmHandle>;

/**
 * Each operation is ONE `em.transactional` of the application's ORM: the order row goes through
 * MikroORM's unit of work and the events are appended through the same EntityManager. Both commit
 * together, or neither does. The row carries the stream version, so a concurrent change to the
 * same order fails the append with a ConcurrencyError instead of being overwritten.
 */
export function createShop(orm: MikroORM, tablePrefix: string) {
  const store: Store = createEventStore({
    backend: createMikroOrmBackend(orm.em, { tablePrefix }),
    events: shopEvents,
  });

  /**
   * Inside the caller's transaction: the row is only persisted here (MikroORM inserts it at the
   * flush that ends `em.transactional`), the event is written at once, through `em`'s transaction.
   */
  const place = async (em: MikroOrmHandle, order: NewOrder) => {
    const totalCents = order.lines.reduce((sum, line) => sum + line.cents, 0);
    const { id, reference, customer } = order;
    em.create(Order, { id, reference, customer, totalCents, status: 'placed', version: 1 });
    await store
      .withTransaction(em)
      .append(stream('order', order.id), OrderPlaced.create(order), { expectedVersion: 'no_stream' });
  };

  return {
    store,
    placeOrder: (order: NewOrder) => orm.em.transactional((em) => place(em, order)),
    /** Several orders in one transaction: if one fails, the ones before it are rolled back too. */
    placeOrders: (orders: NewOrder[]) =>
      orm.em.transactional(async (em) => {
        for (const order of orders) await place(em, order);
      }),
    payOrder: (id: string, cents: number) =>
      orm.em.transactional(async (em) => {
        const order = await em.findOne(Order, id);
        if (!order) throw new ShopError(`no order ${id}`);
        if (order.status !== 'placed') throw new ShopError(`order ${id} is ${order.status}`);
        if (cents !== order.totalCents) throw new ShopError(`order ${id} costs ${money(order.totalCents)}`);
        const result = await store
          .withTransaction(em)
          .append(stream('order', id), OrderPaid.create({ cents }), { expectedVersion: order.version });
        // A change to a managed entity: MikroORM writes it at the flush that ends the transaction.
        order.status = 'paid';
        order.version = result.nextExpectedVersion;
      }),
    order: (id: string) => orm.em.fork().findOne(Order, id),
    history: (id: string) => store.readStream(stream('order', id)),
  };
}

export const money = (cents: number) => (cents / 100).toFixed(2);
