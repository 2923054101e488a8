// The Nest API as a client sees it: started on an ephemeral port and called over HTTP (fetch).
// What it wrote is read back with pg, outside the library and the ORM.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { AppModule } from '../src/appModule.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const typeormCli = createRequire(import.meta.url).resolve('typeorm/cli.js');
const server = process.env.ES_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const database = new pg.Client({ connectionString: `${server}/es_example_nestjs_typeorm` });

/** Runs the TypeORM CLI in the example's folder as a user would, returning its output. */
const typeorm = (...args: string[]) =>
  execFileSync(process.execPath, [typeormCli, ...args, '--dataSource', 'src/dataSource.ts'], {
    cwd: root,
    encoding: 'utf8',
  });

let app: INestApplication | undefined;
let base: string;
let migrationOutput: string;

interface Answer {
  status: number;
  body: { code?: string; message?: string; [key: string]: unknown };
}

async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const rows = async <T>(text: string, values: unknown[] = []) => (await database.query(text, values)).rows as T[];
const deposits = (accountId: string) =>
  rows<{ id: string; amount: number; stream_version: number }>(
    'SELECT id, amount, stream_version FROM deposits WHERE account_id = $1 ORDER BY stream_version',
    [accountId],
  );
const events = (accountId: string) =>
  rows<{ type: string; stream_version: number; data: { depositId?: string; amount?: number } }>(
    "SELECT type, stream_version, data FROM es_events WHERE category = 'account' AND stream_id = $1 ORDER BY stream_version",
    [accountId],
  );

/** Polls the read model over HTTP until `expected` shows: the consumer works in the background. */
async function summaryOnceItShows(accountId: string, deposits: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const answer = await call('GET', `/accounts/${accountId}`);
    if (answer.status === 200 && answer.body.deposits === deposits) return answer.body;
    if (Date.now() > deadline) throw new Error(`read model of ${accountId}: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  await database.connect();
  // A fresh start: the example has its own database.
  await database.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  migrationOutput = typeorm('migration:run');
  app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});

afterAll(async () => {
  await app?.close();
  await database.end();
});

it('the TypeORM CLI created the tables from the committed migration, and it matches the models', () => {
  expect(migrationOutput).toMatch(/Migration BankTables\d+ has been executed successfully/);
  // Generating again finds nothing: the migration holds exactly the shipped models and the app's entities.
  expect(typeorm('migration:generate', '--check', 'src/migrations/Drift')).toContain(
    'No changes in database schema were found',
  );
});

describe('a deposit: the host row and the event in one @Transactional() call, no handle passed', () => {
  it('commits both, in one transaction', async () => {
    expect(await call('POST', '/accounts', { id: 'ada', owner: 'Ada' })).toEqual({ status: 201, body: { id: 'ada' } });
    expect(await call('POST', '/accounts/ada/deposits', { depositId: 'd-1', amount: 500 })).toEqual({
      status: 201,
      body: { version: 2, balance: 500 },
    });

    expect(await deposits('ada')).toEqual([{ id: 'd-1', amount: 500, stream_version: 2 }]);
    expect((await events('ada')).map((event) => [event.type, event.stream_version, event.data])).toEqual([
      ['AccountOpened', 1, { owner: 'Ada' }],
      ['MoneyDeposited', 2, { depositId: 'd-1', amount: 500 }],
    ]);
    // The row's inserting transaction (xmin, 32 bits) is the one the event records (64 bits).
    const [written] = await rows<{ row: string; event: string }>(
      `SELECT d.xmin::text AS row, e.transaction_id::text AS event
         FROM deposits d JOIN es_events e ON e.data->>'depositId' = d.id WHERE d.id = 'd-1'`,
    );
    expect(BigInt(written!.event) % 2n ** 32n).toBe(BigInt(written!.row));
  });

  it('a failing request leaves neither: the event appended before the row failed is rolled back', async () => {
    const duplicate = await call('POST', '/accounts/ada/deposits', { depositId: 'd-1', amount: 700 });
    expect(duplicate).toMatchObject({ status: 409, body: { code: 'DUPLICATE_DEPOSIT' } });

    expect(await deposits('ada')).toEqual([{ id: 'd-1', amount: 500, stream_version: 2 }]);
    expect((await events('ada')).map((event) => event.stream_version)).toEqual([1, 2]);
  });

  it('input the store refuses is 400 with its code, and writes nothing', async () => {
    const invalid = await call('POST', '/accounts/ada/deposits', { depositId: 'd-2', amount: -5 });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'EVENT_VALIDATION' } });
    expect(await call('POST', '/accounts/nobody/deposits', { depositId: 'd-3', amount: 5 })).toMatchObject({
      status: 422,
    });
    expect(await rows('SELECT id FROM deposits WHERE id IN ($1, $2)', ['d-2', 'd-3'])).toEqual([]);
    expect((await events('ada')).length).toBe(2);
  });

  it("the consumer's read model, served by another endpoint, shows what was committed", async () => {
    expect(await summaryOnceItShows('ada', 1)).toEqual({ accountId: 'ada', owner: 'Ada', balance: 500, deposits: 1 });
  });
});

describe('16 concurrent deposits into one account', () => {
  it('one winner per version, every loser a 409 from ConcurrencyError, the rows matching the events exactly', async () => {
    expect((await call('POST', '/accounts', { id: 'race', owner: 'Grace' })).status).toBe(201);

    const requests = Array.from({ length: 16 }, (_, index) => ({ depositId: `race-${index}`, amount: index + 1 }));
    const answers = await Promise.all(requests.map((request) => call('POST', '/accounts/race/deposits', request)));

    const winners = requests.filter((_, index) => answers[index]!.status === 201);
    const losers = answers.filter((answer) => answer.status !== 201);
    expect(winners.length).toBeGreaterThan(0);
    expect(losers.length).toBeGreaterThan(0); // the requests did race
    for (const loser of losers) {
      expect(loser).toMatchObject({ status: 409, body: { code: 'CONCURRENCY', error: 'Conflict' } });
    }

    // One winner per version: versions 2, 3, ... each taken by exactly one deposit.
    const stored = await events('race');
    const deposited = stored.filter((event) => event.type === 'MoneyDeposited');
    expect(deposited.map((event) => event.stream_version)).toEqual(winners.map((_, index) => index + 2));
    // The host rows are exactly the winners' events: same deposits, same versions, same amounts.
    expect(await deposits('race')).toEqual(
      deposited.map((event) => ({
        id: event.data.depositId,
        amount: event.data.amount,
        stream_version: event.stream_version,
      })),
    );
    expect(new Set(deposited.map((event) => event.data.depositId))).toEqual(
      new Set(winners.map((winner) => winner.depositId)),
    );
    // Each winner was told the version its row and event hold.
    for (const [index, answer] of answers.entries()) {
      if (answer.status !== 201) continue;
      const event = deposited.find((candidate) => candidate.data.depositId === requests[index]!.depositId);
      expect(answer.body.version).toBe(event!.stream_version);
    }

    const total = winners.reduce((sum, winner) => sum + winner.amount, 0);
    expect(await summaryOnceItShows('race', winners.length)).toMatchObject({ balance: total });
  });
});

it('GET /health: up while the consumer keeps up', async () => {
  expect(await call('GET', '/health')).toMatchObject({
    status: 200,
    body: { status: 'ok', info: { eventStore: { status: 'up', problems: [] } } },
  });
});

it('closing the application stops the consumer and gives its lease up', async () => {
  await app!.close();
  app = undefined;
  expect(await rows("SELECT lease_owner FROM es_checkpoints WHERE consumer = 'account-summaries'")).toEqual([
    { lease_owner: null },
  ]);
});
