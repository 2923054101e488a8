import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * The shop's own table: the current state of each order, next to the store's event tables. A
 * `defineEntity` schema like the store's own entities: no decorators, no reflect-metadata.
 */
export const Order = defineEntity({
  name: 'Order',
  tableName: 'ex_mikro_orders',
  properties: {
    id: p.string().length(64).primary(),
    /** The customer's purchase-order reference: unique, so a second order with it fails at flush. */
    reference: p.string().length(64).unique('ex_mikro_orders_reference_unique'),
    customer: p.string().length(100),
    totalCents: p.integer(),
    status: p.string().length(16),
    /** The version of the order's event stream this row reflects. */
    version: p.integer(),
  },
});

export type Order = InferEntity<typeof Order>;
