import { ConcurrencyError, createEventStore, defineEvent, stream } from '@es/core';
import { createPrismaBackend } from '@es/prisma';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client.ts';

/** The store's tables are `ex_prisma_es_*` (the prefix given to configureModels). */
export const tablePrefix = 'ex_prisma_es_';

export const TicketIssued = defineEvent(
  'TicketIssued',
  z.object({ concert: z.string().min(1), holder: z.string().min(1) }),
);
export const TicketTransferred = defineEvent(
  'TicketTransferred',
  z.object({ from: z.string(), to: z.string().min(1) }),
);

/** A ticket changes hands at most twice. */
export const MAX_TRANSFERS = 2;
export class TransferLimitReached extends Error {}

export function createBoxOffice(prisma: PrismaClient) {
  const store = createEventStore({
    backend: createPrismaBackend(prisma, { tablePrefix }),
    events: [TicketIssued, TicketTransferred],
    outbox: true,
  });

  /** The ticket row and its first event, in one transaction of the app's. */
  async function issue(id: string, concert: string, holder: string): Promise<void> {
    await prisma.$transaction(async (tx) => {
      await tx.ticket.create({ data: { id, concert, holder, status: 'valid' } });
      await store
        .withTransaction(tx)
        .append(stream('ticket', id), TicketIssued.create({ concert, holder }), { expectedVersion: 'no_stream' });
    });
  }

  /** Moves the ticket to a new holder; past the limit, the row update and the event both roll back. */
  async function transfer(id: string, to: string): Promise<void> {
    await prisma.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUniqueOrThrow({ where: { id } });
      const events = store.withTransaction(tx);
      const version = await events.streamVersion(stream('ticket', id));
      await tx.ticket.update({ where: { id }, data: { holder: to, updatedAt: new Date() } });
      const appended = await events.append(
        stream('ticket', id),
        TicketTransferred.create({ from: ticket.holder, to }),
        { expectedVersion: version },
      );
      // Checked on the written result: throwing here undoes both writes above.
      if (appended.nextExpectedVersion - 1 > MAX_TRANSFERS)
        throw new TransferLimitReached(`ticket ${id} was transferred ${MAX_TRANSFERS} times already`);
    });
  }

  return { store, issue, transfer };
}

export { ConcurrencyError };
