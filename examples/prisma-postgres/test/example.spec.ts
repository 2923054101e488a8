import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { stream } from '@es/core';
import { prismaModels } from '@es/prisma';
import { openPrisma } from '../src/database.ts';
import { databaseUrl } from '../src/databaseUrl.ts';
import { createBoxOffice, TransferLimitReached, tablePrefix } from '../src/tickets.ts';
import { prismaCli, prismaCliWith } from './support/prismaCli.ts';

const prisma = openPrisma();
const office = createBoxOffice(prisma);
const ticketStream = (id: string) => stream('ticket', id);

beforeAll(() => prismaCli('migrate', 'deploy'));
afterAll(() => prisma.$disconnect());

test('the ticket row and its TicketIssued event commit together', async () => {
  const id = `ticket-${randomUUID()}`;
  await office.issue(id, 'Goldberg Variations', 'ada');
  expect(await prisma.ticket.findUnique({ where: { id } })).toMatchObject({ holder: 'ada', status: 'valid' });
  const events = await office.store.readStream(ticketStream(id));
  expect(events.map((e) => [e.type, e.data])).toEqual([
    ['TicketIssued', { concert: 'Goldberg Variations', holder: 'ada' }],
  ]);
});

test('a refused transfer rolls back the row update and the event', async () => {
  const id = `ticket-${randomUUID()}`;
  await office.issue(id, 'Art of Fugue', 'ada');
  await office.transfer(id, 'grace');
  await office.transfer(id, 'linus');
  await expect(office.transfer(id, 'margaret')).rejects.toBeInstanceOf(TransferLimitReached);
  expect((await prisma.ticket.findUniqueOrThrow({ where: { id } })).holder).toBe('linus');
  expect(await office.store.streamVersion(ticketStream(id))).toBe(3);
});

test('issuing the same ticket twice is refused and leaves one row and one event', async () => {
  const id = `ticket-${randomUUID()}`;
  await office.issue(id, 'Musical Offering', 'ada');
  await expect(office.issue(id, 'Musical Offering', 'ada')).rejects.toThrow();
  expect(await prisma.ticket.count({ where: { id } })).toBe(1);
  expect(await office.store.streamVersion(ticketStream(id))).toBe(1);
});

test("the schema holds the store's current models (what `pnpm models` writes)", async () => {
  const file = new URL(`../prisma/schema/${tablePrefix}models.prisma`, import.meta.url);
  expect(await readFile(file, 'utf8')).toBe(prismaModels('postgresql', { tablePrefix }));
});

test('the committed migrations create exactly the schema: Prisma finds no difference', async () => {
  // Replays prisma/migrations on a shadow database and compares it with prisma/schema.
  const diff = await prismaCli(
    'migrate',
    'diff',
    '--from-migrations',
    'prisma/migrations',
    '--to-schema',
    'prisma/schema',
    '--exit-code',
  );
  expect(diff.status).toBe(0);
  expect(diff.stdout).toContain('No difference detected.');
});

test('`prisma migrate dev` on a new database applies every committed migration and has nothing left to create', async () => {
  // A developer's own database (a fresh clone of the app): migrate dev replays the migrations on a
  // shadow database, applies them, and diffs the result against the schema.
  const database = 'es_examples_prisma_dev';
  await prisma.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await prisma.$executeRawUnsafe(`CREATE DATABASE "${database}"`);
  try {
    const url = new URL(databaseUrl);
    url.pathname = `/${database}`;
    const { stdout } = await prismaCliWith({ DATABASE_URL: url.toString() }, 'migrate', 'dev');
    expect(stdout).toMatch(/_init\//);
    expect(stdout).toMatch(/_consumer_tenants\//);
    expect(stdout).toMatch(/_parked\//);
    expect(stdout).toContain('Your database is now in sync with your schema.');
  } finally {
    await prisma.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
});
