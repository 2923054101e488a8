import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stream } from '@es/core';
import { configureModels } from '@es/prisma';
import { migrationSql } from '@es/prisma/testing';
import { adapter, migrate, openPrisma, schemaFiles } from '../src/database.ts';
import { createBoxOffice, TransferLimitReached, tablePrefix } from '../src/tickets.ts';

const prisma = openPrisma();
const office = createBoxOffice(prisma);
const ticketStream = (id: string) => stream('ticket', id);

beforeAll(() => migrate());
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

test("the schema holds the store's current models", async () => {
  const result = await configureModels({ cwd: fileURLToPath(new URL('..', import.meta.url)), tablePrefix });
  expect(result.changed).toBe(false);
});

test("the committed migration is Prisma's SQL for the schema", async () => {
  const migrations = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
  const [init, ...later] = (await readdir(migrations, { withFileTypes: true })).filter((e) => e.isDirectory());
  expect(later).toEqual([]);
  const committed = await readFile(`${migrations}/${init!.name}/migration.sql`, 'utf8');
  expect(committed).toBe(await migrationSql(await schemaFiles(), adapter()));
});
