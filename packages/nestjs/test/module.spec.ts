// EsModule's wiring on the in-memory backend: the store and the repositories are injected as Nest
// providers, and the consumers and relays run with the application: started once it has
// bootstrapped, stopped when it closes (the batch in flight ends first, the lease is given up).
import 'reflect-metadata';
import {
  type AggregateRepository,
  createConsumer,
  createEventStore,
  createMemoryBackend,
  type DeciderRepository,
  type EventStore,
  InvalidArgumentError,
  type MemoryBackend,
  type MemoryTransaction,
  type RecordedEventOf,
  stream,
} from '@es/core';
import {
  EsModule,
  EsWorkers,
  EVENT_STORE,
  InjectAggregateRepository,
  InjectDeciderRepository,
  InjectEventStore,
} from '@es/nestjs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  type AccountCommand,
  AccountOpened,
  type AccountState,
  accountDecider,
  type BankEvent,
  bankEvents,
  gate,
  Ledger,
  MoneyDeposited,
} from './support/bank.ts';
import { waitFor } from './support/waitFor.ts';

@Injectable()
class Accounts {
  constructor(
    @InjectEventStore() readonly store: EventStore<BankEvent, MemoryTransaction>,
    @InjectDeciderRepository('account')
    readonly deciders: DeciderRepository<AccountState, AccountCommand, BankEvent, MemoryTransaction>,
    @InjectAggregateRepository(Ledger) readonly ledgers: AggregateRepository<BankEvent, Ledger, MemoryTransaction>,
  ) {}
}

/** A feature module of the application: its repositories come from forFeature, the store from forRoot. */
@Module({
  imports: [
    EsModule.forFeature({
      deciders: [{ category: 'account', decider: accountDecider }],
      aggregates: [{ aggregate: Ledger, category: 'ledger' }],
    }),
  ],
  providers: [Accounts],
  exports: [Accounts],
})
class AccountsModule {}

let app: TestingModule | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function compile(...imports: Parameters<typeof Test.createTestingModule>[0]['imports'] & {}) {
  app = await Test.createTestingModule({ imports }).compile();
  return app;
}

describe('EsModule providers', () => {
  it('injects the store of forRoot and the repositories of forFeature, all on that one store', async () => {
    const backend = createMemoryBackend();
    const module = await compile(EsModule.forRoot({ backend, events: bankEvents }), AccountsModule);
    const accounts = module.get(Accounts);

    await accounts.deciders.handle('a-1', { type: 'open', owner: 'Ada' });
    await accounts.deciders.handle('a-1', { type: 'deposit', amount: 5 });
    const ledger = new Ledger('l-1');
    ledger.open('Grace');
    ledger.deposit(7);
    await accounts.ledgers.save(ledger);

    expect(await accounts.deciders.load('a-1')).toEqual({ state: { open: true, balance: 5 }, version: 2 });
    expect((await accounts.ledgers.load('l-1')).balance).toBe(7);
    // Both repositories wrote through the injected store, into the backend forRoot was given.
    const { events } = await createEventStore({ backend, events: bankEvents }).readAll();
    expect(events.map((event) => `${event.stream.category}/${event.stream.id}@${event.version}`)).toEqual([
      'account/a-1@1',
      'account/a-1@2',
      'ledger/l-1@1',
      'ledger/l-1@2',
    ]);
    expect(accounts.store.backend).toBe(backend);
  });

  it('forRootAsync makes the options with the providers it injects', async () => {
    const backend = createMemoryBackend();
    const BACKEND = Symbol('backend');
    @Module({ providers: [{ provide: BACKEND, useValue: backend }], exports: [BACKEND] })
    class DatabaseModule {}

    const module = await compile(
      EsModule.forRootAsync({
        imports: [DatabaseModule],
        inject: [BACKEND],
        useFactory: async (injected: MemoryBackend) => ({ backend: injected, events: bankEvents, tenant: 'acme' }),
      }),
      AccountsModule,
    );
    const accounts = module.get(Accounts);
    await accounts.deciders.handle('a-1', { type: 'open', owner: 'Ada' });

    expect(accounts.store.backend).toBe(backend);
    expect(accounts.store.tenant).toBe('acme');
    const acme = createEventStore({ backend, events: bankEvents, tenant: 'acme' });
    expect(await acme.streamVersion(stream('account', 'a-1'))).toBe(1);
    expect(await createEventStore({ backend, events: bankEvents }).streamVersion(stream('account', 'a-1'))).toBe(0);
  });

  it('refuses to start with two consumers of one name', async () => {
    const handle = async () => {};
    await expect(
      compile(
        EsModule.forRoot({
          backend: createMemoryBackend(),
          events: bankEvents,
          consumers: [
            { name: 'balances', handle },
            { name: 'balances', handle },
          ],
        }),
      ),
    ).rejects.toThrow(InvalidArgumentError);
  });
});

describe('EsModule consumers and relays', () => {
  it('start once the application has bootstrapped, and handle what is appended', async () => {
    const backend = createMemoryBackend();
    const handled: string[] = [];
    const published: string[] = [];
    const module = await compile(
      EsModule.forRoot({
        backend,
        events: bankEvents,
        outbox: true,
        consumers: [
          {
            name: 'owners',
            handle: async (events: RecordedEventOf<BankEvent>[]) => {
              for (const event of events) if (event.type === 'AccountOpened') handled.push(event.data.owner);
            },
          },
        ],
        outboxRelays: [{ publish: async (event) => void published.push(event.type) }],
      }),
    );
    const store = module.get<EventStore<BankEvent, MemoryTransaction>>(EVENT_STORE);
    const workers = module.get(EsWorkers);
    await store.append(stream('account', 'a-1'), AccountOpened.create({ owner: 'Ada' }), {
      expectedVersion: 'no_stream',
    });
    // Compiled, not yet bootstrapped: nothing runs.
    expect((await workers.consumer('owners').status()).leaseOwner).toBeNull();
    expect(await workers.relays[0]!.status()).toMatchObject({ pending: 1, dead: 0 });

    await module.init();
    await workers.consumer('owners').whenCaughtUp();
    expect(handled).toEqual(['Ada']);
    expect((await workers.consumer('owners').status()).leaseOwner).toBe(workers.consumer('owners').owner);
    await waitFor(async () => (await workers.relays[0]!.status()).pending === 0);
    expect(published).toEqual(['AccountOpened']);
  });

  it('stop when the application closes: the batch in flight ends first, then the lease is given up', async () => {
    const backend = createMemoryBackend();
    const inFlight = gate();
    const entered = gate();
    const order: string[] = [];
    const module = await compile(
      EsModule.forRoot({
        backend,
        events: bankEvents,
        consumers: [
          {
            name: 'slow',
            handle: async () => {
              entered.open();
              await inFlight.promise;
              order.push('batch handled');
            },
          },
        ],
      }),
    );
    await module.init();
    const store = module.get<EventStore<BankEvent, MemoryTransaction>>(EVENT_STORE);
    const [event] = (
      await store.append(stream('account', 'a-1'), MoneyDeposited.create({ amount: 1 }), { expectedVersion: 'any' })
    ).events;
    await entered.promise;

    const closing = module.close().then(() => order.push('application closed'));
    app = undefined;
    setTimeout(inFlight.open, 50);
    await closing;

    expect(order).toEqual(['batch handled', 'application closed']);
    // The batch's checkpoint committed, and nobody holds the consumer any more.
    const status = await createConsumer(createEventStore({ backend, events: bankEvents }), {
      name: 'slow',
      handle: async () => {},
    }).status();
    expect(status.checkpoint?.position).toBe(event!.position);
    expect(status.leaseOwner).toBeNull();
  });
});
