// EsExceptionFilter over HTTP (Nest's express platform, a real port): a lost race is 409, input
// the store refused is 400 with its code, and every other error is left to Nest (500).
import 'reflect-metadata';
import { createMemoryBackend, type EventStore, type MemoryTransaction, stream } from '@es/core';
import { EsExceptionFilter, EsModule, InjectEventStore } from '@es/nestjs';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Controller, type INestApplication, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AccountOpened, type BankEvent, bankEvents } from './support/bank.ts';

@Controller()
class AccountsController {
  constructor(@InjectEventStore() private readonly store: EventStore<BankEvent, MemoryTransaction>) {}

  @Post('accounts/:id')
  async open(@Param('id') id: string) {
    await this.store.append(stream('account', id), AccountOpened.create({ owner: 'Ada' }), {
      expectedVersion: 'no_stream',
    });
    return { opened: id };
  }

  @Post('accounts/:id/withdrawals')
  async withdraw(@Param('id') id: string) {
    await this.store.append(
      stream('account', id),
      { type: 'MoneyDeposited', data: { amount: -5 } },
      {
        expectedVersion: 'any',
      },
    );
  }

  @Post('broken')
  broken() {
    throw new Error('not the store');
  }
}

let app: INestApplication;
let base: string;

beforeAll(async () => {
  const module = await Test.createTestingModule({
    imports: [EsModule.forRoot({ backend: createMemoryBackend(), events: bankEvents })],
    controllers: [AccountsController],
    providers: [{ provide: APP_FILTER, useClass: EsExceptionFilter }],
  }).compile();
  app = module.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});

afterAll(() => app?.close());

/** What the filter (or Nest) answers: the status and the JSON body. */
interface Answer {
  status: number;
  body: { message?: string; issues?: unknown; [key: string]: unknown };
}

const post = async (path: string): Promise<Answer> => {
  const response = await fetch(`${base}${path}`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
};

it('answers a ConcurrencyError with 409 and its code', async () => {
  expect(await post('/accounts/a-1')).toEqual({ status: 201, body: { opened: 'a-1' } });
  const { status, body } = await post('/accounts/a-1');
  expect(status).toBe(409);
  expect(body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'CONCURRENCY' });
  expect(body.message).toMatch(/expected version no_stream, actual 1/);
});

it("answers input the store refused with 400, its code, and an event's issues", async () => {
  const invalidEvent = await post('/accounts/a-2/withdrawals');
  expect(invalidEvent.status).toBe(400);
  expect(invalidEvent.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'EVENT_VALIDATION' });
  expect(invalidEvent.body.issues).toEqual([expect.objectContaining({ path: ['amount'] })]);

  const invalidStream = await post(`/accounts/${'x'.repeat(300)}`);
  expect(invalidStream).toMatchObject({ status: 400, body: { code: 'INVALID_STREAM' } });
});

it('leaves every other error to Nest', async () => {
  expect(await post('/broken')).toEqual({ status: 500, body: { statusCode: 500, message: 'Internal server error' } });
});
