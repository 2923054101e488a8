// EsHealthIndicator through @nestjs/terminus's own HealthCheckService, on the in-memory backend:
// up while the consumers keep up, down for a lagging or halted consumer and for dead outbox rows.
// The held-back log (PostgreSQL only) is checked in transactionHost.spec.ts.
import 'reflect-metadata';
import { createMemoryBackend, type EventStore, type MemoryTransaction, stream } from '@es/core';
import { EsModule, EsWorkers, EVENT_STORE } from '@es/nestjs';
import { EsHealthIndicator } from '@es/nestjs/terminus';
import { afterEach, describe, expect, it } from '@jest/globals';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { AccountOpened, type BankEvent, bankEvents, gate, MoneyDeposited } from './support/bank.ts';
import { waitFor } from './support/waitFor.ts';

let app: TestingModule | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(
  options: Omit<Parameters<typeof EsModule.forRoot<BankEvent, MemoryTransaction>>[0], 'backend' | 'events'>,
) {
  app = await Test.createTestingModule({
    imports: [
      EsModule.forRoot({ backend: createMemoryBackend(), events: bankEvents, ...options }),
      TerminusModule.forRoot({ logger: false }),
    ],
    providers: [EsHealthIndicator],
  }).compile();
  await app.init();
  const store = app.get<EventStore<BankEvent, MemoryTransaction>>(EVENT_STORE);
  const health = app.get(HealthCheckService);
  const indicator = app.get(EsHealthIndicator);
  return {
    store,
    workers: app.get(EsWorkers),
    check: (thresholds = {}) => health.check([() => indicator.isHealthy('eventStore', thresholds)]),
  };
}

const deposit = (store: EventStore<BankEvent, MemoryTransaction>, id: string) =>
  store.append(stream('account', id), MoneyDeposited.create({ amount: 1 }), { expectedVersion: 'any' });

/** The report terminus gives when a check is down (it throws ServiceUnavailableException). */
async function downReport(check: Promise<unknown>) {
  const error = (await check.then(
    () => {
      throw new Error('expected the check to be down');
    },
    (thrown: unknown) => thrown,
  )) as { getResponse(): { status: string; error: Record<string, { status: string; problems: string[] }> } };
  return error.getResponse();
}

describe('EsHealthIndicator', () => {
  it('is up while the consumers keep up, with their lag and the outbox counts', async () => {
    const { store, workers, check } = await start({
      outbox: true,
      consumers: [{ name: 'balances', handle: async () => {} }],
      outboxRelays: [{ publish: async () => {} }],
    });
    await store.append(stream('account', 'a-1'), AccountOpened.create({ owner: 'Ada' }), {
      expectedVersion: 'no_stream',
    });
    await workers.consumer('balances').whenCaughtUp();

    const result = await check();
    expect(result.status).toBe('ok');
    expect(result.info?.eventStore).toMatchObject({
      status: 'up',
      consumers: { balances: { lag: 0, parked: 0, halted: false } },
      heldBackBy: null,
      problems: [],
    });
  });

  it('is down when a consumer lags by more than maxLag events', async () => {
    const held = gate();
    const { store, check } = await start({ consumers: [{ name: 'slow', handle: () => held.promise }] });
    // One commit: the memory backend runs one transaction at a time, and the consumer, woken by a
    // first commit, would hold it in its handler while later deposits wait.
    await store.transaction(async (tx) => {
      for (const id of ['a', 'b', 'c']) await deposit(tx, id);
    });

    const report = await downReport(check({ maxLag: 2 }));
    expect(report.error.eventStore?.problems).toEqual(['consumer slow lags by 3 events (limit 2)']);
    expect((await check({ maxLag: 3 })).status).toBe('ok');
    held.open();
  });

  it('is down when a consumer stands halted at an event it cannot handle', async () => {
    const { store, workers, check } = await start({
      consumers: [
        {
          name: 'strict',
          handle: async () => {
            throw new Error('cannot handle this');
          },
          onFailure: { retries: 0, action: 'halt' },
          onError: () => {},
        },
      ],
    });
    await deposit(store, 'a');
    await waitFor(async () => (await workers.consumer('strict').status()).parked.length > 0);

    const report = await downReport(check({ maxLag: 10 }));
    expect(report.error.eventStore?.problems).toEqual(['consumer strict is halted at an event it cannot handle']);
  });

  it('is down when more outbox rows are dead than maxDeadOutboxRows', async () => {
    const { store, workers, check } = await start({
      outbox: true,
      outboxRelays: [
        {
          publish: async () => {
            throw new Error('broker down');
          },
          maxAttempts: 1,
          onError: () => {},
        },
      ],
    });
    await deposit(store, 'a');
    await waitFor(async () => (await workers.relays[0]!.status()).dead === 1);

    const report = await downReport(check());
    expect(report.error.eventStore?.problems).toEqual(['1 dead outbox rows (limit 0)']);
    expect((await check({ maxDeadOutboxRows: 1 })).status).toBe('ok');
  });
});
