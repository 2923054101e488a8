import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

// The app's own tables, `defineEntity` schemas like the store's: the Nest app needs decorators for
// its providers, its entities none.

/** A show's current state, written in the same transaction as the show's events. */
export const Show = defineEntity({
  name: 'Show',
  tableName: 'ex_nest_mikro_shows',
  properties: {
    id: p.string().length(64).primary(),
    title: p.string().length(200),
    capacity: p.integer(),
    seatsLeft: p.integer(),
    /** The version of the show's event stream this row reflects. */
    version: p.integer(),
  },
});
export type Show = InferEntity<typeof Show>;

/** A booking, keyed by the customer's reference: a second booking with it fails at flush. */
export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'ex_nest_mikro_bookings',
  properties: {
    reference: p.string().length(64).primary(),
    showId: p.string().length(64),
    seats: p.integer(),
    /** The show's stream version its SeatsBooked event got. */
    version: p.integer(),
  },
});
export type Booking = InferEntity<typeof Booking>;

/** The read model the show-summaries consumer keeps from the events. */
export const ShowSummary = defineEntity({
  name: 'ShowSummary',
  tableName: 'ex_nest_mikro_show_summaries',
  properties: {
    showId: p.string().length(64).primary(),
    title: p.string().length(200),
    seatsBooked: p.integer(),
    bookings: p.integer(),
    version: p.integer(),
  },
});
export type ShowSummary = InferEntity<typeof ShowSummary>;
