// The app as its users meet it: started on an ephemeral port and called over HTTP. What each
// request committed is read back from the database: the app's rows with Prisma, the events with
// the store.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type EventStore, stream, TransactionRequiredError } from '@es/core';
import { EVENT_STORE } from '@es/nestjs';
import { prismaModels } from '@es/prisma';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/appModule.js';
import { type CardEvent, CardRedeemed } from '../src/cards/giftCards.js';
import { schema } from '../src/databaseUrl.js';
import { PrismaService, type PrismaTx } from '../src/prismaService.js';
import { prismaCli } from './prismaCli.js';

let app: INestApplication;
let base: string;
let prisma: PrismaService;
let store: EventStore<CardEvent, PrismaTx>;

/** Each run starts from empty tables, the app's and the store's (the consumer's checkpoint too). */
async function emptyTables() {
  const client = new PrismaService();
  try {
    const tables = await client.$queryRaw<{ name: string }[]>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = ${schema} AND tablename <> '_prisma_migrations'`;
    await client.$executeRawUnsafe(`TRUNCATE ${tables.map(({ name }) => `"${name}"`).join(', ')}`);
  } finally {
    await client.$disconnect();
  }
}

beforeAll(async () => {
  await emptyTables();
  app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
  prisma = app.get(PrismaService);
  store = app.get(EVENT_STORE);
});
afterAll(() => app?.close());

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function issuedCard(balanceCents: number) {
  const id = `card-${randomUUID()}`;
  expect(await call('POST', '/cards', { id, owner: 'Ada', balanceCents })).toEqual({
    status: 201,
    body: { id, version: 1 },
  });
  return id;
}

/** What is committed for a card: its row, its redemptions' rows, its events. */
async function committed(id: string) {
  const card = await prisma.giftCard.findUnique({ where: { id } });
  const redemptions = await prisma.redemption.findMany({ where: { cardId: id }, orderBy: { version: 'asc' } });
  const events = await store.readStream(stream('card', id));
  return { card, redemptions, events };
}

describe('one @Transactional() method: the app rows and the events commit together', () => {
  it('POST /cards writes the card row and its CardIssued event', async () => {
    const id = await issuedCard(50_00);
    const { card, events } = await committed(id);
    expect(card).toEqual({ id, owner: 'Ada', balanceCents: 50_00, version: 1 });
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['CardIssued', { owner: 'Ada', balanceCents: 50_00 }],
    ]);
  });

  it('a redemption writes its row, the card row and its event; GET /cards/:id serves the row', async () => {
    const id = await issuedCard(50_00);
    expect(await call('POST', `/cards/${id}/redemptions`, { reference: `r-${id}`, amountCents: 20_00 })).toEqual({
      status: 201,
      body: { id, reference: `r-${id}`, version: 2, balanceCents: 30_00 },
    });
    const { card, redemptions, events } = await committed(id);
    expect(card).toMatchObject({ balanceCents: 30_00, version: 2 });
    expect(redemptions).toEqual([{ reference: `r-${id}`, cardId: id, amountCents: 20_00, version: 2 }]);
    expect(events.map((event) => event.type)).toEqual(['CardIssued', 'CardRedeemed']);
    expect(await call('GET', `/cards/${id}`)).toEqual({ status: 200, body: card });
  });

  it('a request that fails after its append leaves neither: the reused reference fails on the app key, and the event goes too', async () => {
    const id = await issuedCard(50_00);
    const reference = `r-${id}`;
    expect((await call('POST', `/cards/${id}/redemptions`, { reference, amountCents: 10_00 })).status).toBe(201);
    const before = await committed(id);

    const again = await call('POST', `/cards/${id}/redemptions`, { reference, amountCents: 5_00 });
    expect(again).toMatchObject({ status: 409, body: { message: `redemption ${reference} was made already` } });
    expect(await committed(id)).toEqual(before); // no CardRedeemed at version 3, the card row untouched
    expect(before.events).toHaveLength(2);
  });

  it('a request the decider refuses writes nothing', async () => {
    const id = await issuedCard(10_00);
    const refused = await call('POST', `/cards/${id}/redemptions`, { reference: `r-${id}`, amountCents: 11_00 });
    expect(refused).toMatchObject({ status: 422, body: { message: 'the card holds 1000 cents' } });
    const { card, redemptions, events } = await committed(id);
    expect([card?.version, redemptions, events.length]).toEqual([1, [], 1]);
  });

  it('outside any transaction the store refuses to write (requireTransaction): no write can miss the app rows', async () => {
    const append = store.append(
      stream('card', `card-${randomUUID()}`),
      CardRedeemed.create({ reference: 'x', amountCents: 1 }),
      {
        expectedVersion: 'any',
      },
    );
    await expect(append).rejects.toBeInstanceOf(TransactionRequiredError);
  });
});

it('the consumer keeps the read model that GET /cards/:id/summary serves', async () => {
  const id = await issuedCard(30_00);
  for (const [index, amountCents] of [5_00, 7_00].entries()) {
    const redeemed = await call('POST', `/cards/${id}/redemptions`, { reference: `r${index}-${id}`, amountCents });
    expect(redeemed.status).toBe(201);
  }
  let summary = await call('GET', `/cards/${id}/summary`);
  for (let i = 0; i < 300 && (summary.status !== 200 || summary.body.version !== 3); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    summary = await call('GET', `/cards/${id}/summary`);
  }
  expect(summary).toEqual({
    status: 200,
    body: { cardId: id, owner: 'Ada', balanceCents: 18_00, redemptions: 2, version: 3 },
  });
});

it('16 concurrent redemptions of one card: one winner per version, every loser a 409 from ConcurrencyError, the rows matching the events', async () => {
  const id = await issuedCard(1_000_00);
  const references = Array.from({ length: 16 }, (_, index) => `race${index}-${id}`);
  const answers = await Promise.all(
    references.map(async (reference) => ({
      reference,
      ...(await call('POST', `/cards/${id}/redemptions`, { reference, amountCents: 1_00 })),
    })),
  );
  const winners = answers.filter((answer) => answer.status === 201);
  const losers = answers.filter((answer) => answer.status !== 201);
  expect(winners.length).toBeGreaterThan(0);
  expect(losers.length).toBeGreaterThan(0);
  for (const loser of losers) expect(loser).toMatchObject({ status: 409, body: { code: 'CONCURRENCY' } });
  // One winner per version: versions 2, 3 ... each taken once.
  const versions = winners.map((winner) => winner.body.version as number).sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: winners.length }, (_, index) => index + 2));

  const { card, redemptions, events } = await committed(id);
  const redeemed = events
    .slice(1)
    .map((event) => ({ reference: (event.data as { reference: string }).reference, version: event.version }));
  expect(redeemed).toEqual(
    winners
      .map((winner) => ({ reference: winner.reference, version: winner.body.version }))
      .sort((a, b) => (a.version as number) - (b.version as number)),
  );
  expect(redemptions.map(({ reference, version }) => ({ reference, version }))).toEqual(redeemed);
  expect(card).toMatchObject({ version: 1 + winners.length, balanceCents: 1_000_00 - winners.length * 1_00 });
}, 120_000);

describe("the store's tables come from the app's Prisma schema", () => {
  it("the schema holds the store's current models (what `pnpm models` writes)", async () => {
    const file = new URL('../prisma/schema/es_models.prisma', import.meta.url);
    expect(await readFile(file, 'utf8')).toBe(prismaModels('postgresql'));
  });

  it('the committed migrations create exactly the schema: Prisma finds no difference', () => {
    const diff = prismaCli(
      'migrate',
      'diff',
      '--from-migrations',
      'prisma/migrations',
      '--to-schema',
      'prisma/schema',
      '--exit-code',
    );
    expect(diff).toMatchObject({ status: 0, stdout: expect.stringContaining('No difference detected.') });
  }, 60_000);
});
