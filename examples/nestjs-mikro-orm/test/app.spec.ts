// The app as its users meet it: its tables made by the MikroORM CLI from the committed migration,
// then started on an ephemeral port and called over HTTP. What each request committed is read back
// from the database: the app's rows with a fresh EntityManager, the events with the store.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EventStore, stream, TransactionRequiredError } from '@es/core';
import type { MikroOrmHandle } from '@es/mikro-orm';
import { EVENT_STORE } from '@es/nestjs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/appModule.ts';
import { Booking, Show } from '../src/entities.ts';
import { SeatsBooked, type ShowEvent } from '../src/shows/shows.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const migrations = join(root, 'src/migrations');
const mikroOrmCli = join(dirname(createRequire(import.meta.url).resolve('@mikro-orm/cli/package.json')), 'cli.js');
const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** The MikroORM CLI, run in the app's folder as a user runs it (`pnpm migration:up`). */
const mikroOrm = (...args: string[]) =>
  execFileSync(process.execPath, [mikroOrmCli, ...args, '--config', 'src/mikro-orm.config.ts'], {
    cwd: root,
    encoding: 'utf8',
  });

/** A fresh start: the app's tables only (the database is shared with other examples). */
async function dropTables() {
  const orm = await MikroORM.init({
    clientUrl: `${server}/es_examples`,
    entities: [],
    discovery: { warnWhenNoEntities: false },
  });
  const connection = orm.em.getConnection();
  const tables: { tablename: string }[] = await connection.execute(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'ex\\_nest\\_mikro\\_%'",
  );
  for (const { tablename } of tables) await connection.execute(`DROP TABLE "${tablename}" CASCADE`);
  await orm.close();
}

let app: INestApplication;
let base: string;
let orm: MikroORM;
let store: EventStore<ShowEvent, MikroOrmHandle>;

beforeAll(async () => {
  await dropTables();
  expect(mikroOrm('migration:up')).toMatch(/Applied 'Migration\d+_ShowTables'/);
  app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
  orm = app.get(MikroORM);
  store = app.get(EVENT_STORE);
}, 120_000);
afterAll(() => app?.close());

async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function scheduledShow(capacity: number) {
  const id = `show-${randomUUID()}`;
  expect(await call('POST', '/shows', { id, title: 'Kind of Blue', capacity })).toEqual({
    status: 201,
    body: { id, version: 1 },
  });
  return id;
}

/** What is committed for a show: its row, its bookings' rows, its events. */
async function committed(id: string) {
  const em = orm.em.fork();
  const show = await em.findOne(Show, id);
  const bookings = await em.find(Booking, { showId: id }, { orderBy: { version: 'asc' } });
  const events = await store.readStream(stream('show', id));
  return { show: show && { ...show }, bookings: bookings.map((booking) => ({ ...booking })), events };
}

describe('one @Transactional() method: the app rows and the events commit together', () => {
  it('POST /shows writes the show row and its ShowScheduled event', async () => {
    const id = await scheduledShow(100);
    const { show, events } = await committed(id);
    expect(show).toEqual({ id, title: 'Kind of Blue', capacity: 100, seatsLeft: 100, version: 1 });
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['ShowScheduled', { title: 'Kind of Blue', capacity: 100 }],
    ]);
  });

  it('a booking writes its row, the show row and its event; GET /shows/:id serves the row', async () => {
    const id = await scheduledShow(100);
    expect(await call('POST', `/shows/${id}/bookings`, { reference: `b-${id}`, seats: 3 })).toEqual({
      status: 201,
      body: { id, reference: `b-${id}`, version: 2, seatsLeft: 97 },
    });
    const { show, bookings, events } = await committed(id);
    expect(show).toMatchObject({ seatsLeft: 97, version: 2 });
    expect(bookings).toEqual([{ reference: `b-${id}`, showId: id, seats: 3, version: 2 }]);
    expect(events.map((event) => event.type)).toEqual(['ShowScheduled', 'SeatsBooked']);
    expect(await call('GET', `/shows/${id}`)).toEqual({ status: 200, body: show });
  });

  it('a request that fails after its append leaves neither: the reused reference fails on the app key, and the event goes too', async () => {
    const id = await scheduledShow(100);
    const reference = `b-${id}`;
    expect((await call('POST', `/shows/${id}/bookings`, { reference, seats: 2 })).status).toBe(201);
    const before = await committed(id);

    const again = await call('POST', `/shows/${id}/bookings`, { reference, seats: 1 });
    expect(again).toMatchObject({ status: 409, body: { message: `booking ${reference} was made already` } });
    expect(await committed(id)).toEqual(before); // no SeatsBooked at version 3, the show row untouched
    expect(before.events).toHaveLength(2);
  });

  it('a request the decider refuses writes nothing', async () => {
    const id = await scheduledShow(2);
    const refused = await call('POST', `/shows/${id}/bookings`, { reference: `b-${id}`, seats: 3 });
    expect(refused).toMatchObject({ status: 422, body: { message: '2 seats are left' } });
    const { show, bookings, events } = await committed(id);
    expect([show?.version, bookings, events.length]).toEqual([1, [], 1]);
  });

  it('outside any transaction the store refuses to write (requireTransaction): no write can miss the app rows', async () => {
    const append = store.append(
      stream('show', `show-${randomUUID()}`),
      SeatsBooked.create({ reference: 'x', seats: 1 }),
      {
        expectedVersion: 'any',
      },
    );
    await expect(append).rejects.toBeInstanceOf(TransactionRequiredError);
  });
});

it('the consumer keeps the read model that GET /shows/:id/summary serves', async () => {
  const id = await scheduledShow(30);
  for (const [index, seats] of [5, 7].entries()) {
    const booked = await call('POST', `/shows/${id}/bookings`, { reference: `b${index}-${id}`, seats });
    expect(booked.status).toBe(201);
  }
  let summary = await call('GET', `/shows/${id}/summary`);
  for (let i = 0; i < 300 && (summary.status !== 200 || summary.body.version !== 3); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    summary = await call('GET', `/shows/${id}/summary`);
  }
  expect(summary).toEqual({
    status: 200,
    body: { showId: id, title: 'Kind of Blue', seatsBooked: 12, bookings: 2, version: 3 },
  });
});

it('16 concurrent bookings for one show: one winner per version, every loser a 409 from ConcurrencyError, the rows matching the events', async () => {
  const id = await scheduledShow(1_000);
  const references = Array.from({ length: 16 }, (_, index) => `race${index}-${id}`);
  const answers = await Promise.all(
    references.map(async (reference) => ({
      reference,
      ...(await call('POST', `/shows/${id}/bookings`, { reference, seats: 1 })),
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

  const { show, bookings, events } = await committed(id);
  const booked = events
    .slice(1)
    .map((event) => ({ reference: (event.data as { reference: string }).reference, version: event.version }));
  expect(booked).toEqual(
    winners
      .map((winner) => ({ reference: winner.reference, version: winner.body.version }))
      .sort((a, b) => (a.version as number) - (b.version as number)),
  );
  expect(bookings.map(({ reference, version }) => ({ reference, version }))).toEqual(booked);
  expect(show).toMatchObject({ version: 1 + winners.length, seatsLeft: 1_000 - winners.length });
}, 120_000);

describe("the store's tables come from the app's MikroORM migrations", () => {
  it('the migrated database matches the models: the CLI finds nothing to migrate', () => {
    expect(mikroOrm('migration:check')).toContain('No changes required, schema is up-to-date');
    const before = readdirSync(migrations);
    expect(mikroOrm('migration:create', '--name', 'Drift')).toContain('No changes required, schema is up-to-date');
    expect(readdirSync(migrations)).toEqual(before);
  }, 60_000);
});
