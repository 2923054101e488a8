import { randomUUID } from 'node:crypto';
import { stream } from '@es/core';
import { openPrisma } from './database.ts';
import { createBoxOffice, TransferLimitReached } from './tickets.ts';

// `pnpm start` has run `prisma migrate deploy` first, as a release step would.
const prisma = openPrisma();
const office = createBoxOffice(prisma);
const id = `ticket-${randomUUID()}`;

await office.issue(id, 'Goldberg Variations', 'ada');
await office.transfer(id, 'grace');
await office.transfer(id, 'linus');
await office.transfer(id, 'margaret').catch((error: unknown) => {
  if (!(error instanceof TransferLimitReached)) throw error;
  console.log(`third transfer refused, nothing written: ${error.message}`);
});

const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id } });
const events = await office.store.readStream(stream('ticket', id));
console.log(`${id} is held by ${ticket.holder}; its stream: ${events.map((e) => `${e.type}@${e.version}`).join(', ')}`);
await prisma.$disconnect();
