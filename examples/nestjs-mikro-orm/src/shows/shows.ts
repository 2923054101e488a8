// Shows as events: scheduled with a number of seats, booked in parts, never beyond capacity.
import { type Decider, defineEvent, type EventOf } from '@es/core';
import { ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { z } from 'zod';

export const ShowScheduled = defineEvent(
  'ShowScheduled',
  z.object({ title: z.string().min(1), capacity: z.number().int().positive() }),
);
export const SeatsBooked = defineEvent(
  'SeatsBooked',
  z.object({ reference: z.string().min(1), seats: z.number().int().positive() }),
);
export const showEvents = [ShowScheduled, SeatsBooked] as const;
export type ShowEvent = (typeof showEvents)[number];

export interface ShowState {
  readonly scheduled: boolean;
  readonly seatsLeft: number;
}

export type ShowCommand =
  | { readonly type: 'schedule'; readonly title: string; readonly capacity: number }
  | { readonly type: 'book'; readonly reference: string; readonly seats: number };

export const SHOW_CATEGORY = 'show';

export const showDecider: Decider<ShowState, ShowCommand, ShowEvent> = {
  initialState: () => ({ scheduled: false, seatsLeft: 0 }),
  evolve(state, event: EventOf<ShowEvent>) {
    switch (event.type) {
      case 'ShowScheduled':
        return { scheduled: true, seatsLeft: event.data.capacity };
      case 'SeatsBooked':
        return { ...state, seatsLeft: state.seatsLeft - event.data.seats };
    }
  },
  decide(command, state) {
    if (command.type === 'schedule') {
      if (state.scheduled) throw new ConflictException('this show is scheduled already');
      return ShowScheduled.create({ title: command.title, capacity: command.capacity });
    }
    if (!state.scheduled) throw new NotFoundException('no such show');
    if (command.seats > state.seatsLeft) throw new UnprocessableEntityException(`${state.seatsLeft} seats are left`);
    return SeatsBooked.create({ reference: command.reference, seats: command.seats });
  },
};
