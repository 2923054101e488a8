// transactionHostContext on PostgreSQL through TypeORM: @nestjs-cls/transactional's TypeORM adapter
// keeps the transaction current, and the store joins it with no handle passed: a host row and
// events commit together or not at all, nested @Transactional() calls and Promise.all share the
// transaction, concurrent calls each join their own, and outside any transaction the store
// follows its propagation (here requireTransaction). Also: the health indicator's held-back log.
import 'reflect-metadata';
import { type EventStore, stream, TransactionRequiredError } from '@es/core';
import { EsModule, EsWorkers, EVENT_STORE, InjectEventStore, transactionHostContext } from '@es/nestjs';
import { EsHealthIndicator } from '@es/nestjs/terminus';
import { createTypeOrmBackend, type TypeOrmHandle } from '@es/typeorm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { ClsPluginTransactional, Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AccountOpened, type BankEvent, bankEvents, gate } from './support/bank.ts';
import { AccountRow, freshDataSource } from './support/postgres.ts';

const PREFIX = 'nest_tx_';

type Store = EventStore<BankEvent, TypeOrmHandle>;

@Injectable()
class Accounts {
  constructor(
    @Inject(TransactionHost) private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @InjectEventStore() private readonly store: Store,
  ) {}

  /** The host row and the event, in the transaction @Transactional() opened; no handle passed. */
  @Transactional()
  async open(id: string, owner: string, options: { fail?: boolean; before?: Promise<void> } = {}) {
    await this.txHost.tx.save(AccountRow, { id, owner });
    const { events } = await this.store.append(stream('account', id), AccountOpened.create({ owner }), {
      expectedVersion: 'no_stream',
    });
    await options.before;
    if (options.fail) throw new Error(`refused ${id}`);
    return { eventTransaction: events[0]!.transactionId, hostTransaction: await this.currentTransaction() };
  }

  /** Nested @Transactional() calls, side by side: they join this one. */
  @Transactional()
  async openTwo(first: string, second: string, fail = false) {
    const opened = await Promise.all([this.open(first, 'Ada'), this.open(second, 'Grace')]);
    if (fail) throw new Error('refused both');
    return { opened, hostTransaction: await this.currentTransaction() };
  }

  /** Not @Transactional(): the store would open its own, but this one requires a transaction. */
  async openOutside(id: string) {
    await this.store.append(stream('account', id), AccountOpened.create({ owner: 'nobody' }), {
      expectedVersion: 'no_stream',
    });
  }

  private async currentTransaction(): Promise<bigint> {
    const [row] = await this.txHost.tx.query('SELECT pg_current_xact_id()::text AS id');
    return BigInt(row.id);
  }
}

let dataSource: DataSource;
let app: TestingModule;
let accounts: Accounts;
let store: Store;

beforeAll(async () => {
  dataSource = await freshDataSource(PREFIX);

  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class DatabaseModule {}

  app = await Test.createTestingModule({
    imports: [
      DatabaseModule,
      ClsModule.forRoot({
        global: true,
        plugins: [
          new ClsPluginTransactional({
            imports: [DatabaseModule],
            adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
          }),
        ],
      }),
      EsModule.forRootAsync({
        inject: [TransactionHost, DataSource],
        useFactory: (txHost: TransactionHost<TransactionalAdapterTypeOrm>, database: DataSource) => ({
          backend: createTypeOrmBackend(database, { tablePrefix: PREFIX }),
          events: bankEvents,
          transactionContext: transactionHostContext(txHost),
          requireTransaction: true,
          consumers: [{ name: 'owners', handle: async () => {} }],
        }),
      }),
      TerminusModule.forRoot({ logger: false }),
    ],
    providers: [Accounts, EsHealthIndicator],
  }).compile();
  await app.init();
  accounts = app.get(Accounts);
  store = app.get(EVENT_STORE);
});

afterAll(async () => {
  await app?.close();
  await dataSource?.destroy();
});

const rows = async (id: string) => dataSource.manager.countBy(AccountRow, { id });
const version = (id: string) => store.streamVersion(stream('account', id));

describe('transactionHostContext: the store joins the transaction @nestjs-cls/transactional keeps', () => {
  it('commits the host row and the events together, in the one transaction @Transactional() opened', async () => {
    const { eventTransaction, hostTransaction } = await accounts.open('commit-1', 'Ada');
    expect(eventTransaction).toBe(hostTransaction);
    expect(await rows('commit-1')).toBe(1);
    expect(await version('commit-1')).toBe(1);
  });

  it('leaves neither the row nor the events when the method throws', async () => {
    await expect(accounts.open('rollback-1', 'Ada', { fail: true })).rejects.toThrow('refused rollback-1');
    expect(await rows('rollback-1')).toBe(0);
    expect(await version('rollback-1')).toBe(0);
  });

  it('nested @Transactional() calls and Promise.all inside one transaction all join it', async () => {
    const { opened, hostTransaction } = await accounts.openTwo('nested-1', 'nested-2');
    for (const inner of opened) {
      expect(inner.eventTransaction).toBe(hostTransaction);
      expect(inner.hostTransaction).toBe(hostTransaction);
    }
    expect([await rows('nested-1'), await rows('nested-2')]).toEqual([1, 1]);

    await expect(accounts.openTwo('nested-3', 'nested-4', true)).rejects.toThrow('refused both');
    expect([
      await rows('nested-3'),
      await rows('nested-4'),
      await version('nested-3'),
      await version('nested-4'),
    ]).toEqual([0, 0, 0, 0]);
  });

  it('concurrent calls each join their own transaction: one rolling back leaves the other whole', async () => {
    const hold = gate();
    const first = accounts.open('race-1', 'Ada', { before: hold.promise });
    const second = accounts.open('race-2', 'Grace', { fail: true });
    await expect(second).rejects.toThrow('refused race-2');
    hold.open();
    const { eventTransaction, hostTransaction } = await first;

    expect(eventTransaction).toBe(hostTransaction);
    expect([await rows('race-1'), await version('race-1')]).toEqual([1, 1]);
    expect([await rows('race-2'), await version('race-2')]).toEqual([0, 0]);
  });

  it('outside any transaction a store with requireTransaction refuses the write, and writes nothing', async () => {
    await expect(accounts.openOutside('outside-1')).rejects.toThrow(TransactionRequiredError);
    expect(await version('outside-1')).toBe(0);
  });
});

describe('EsHealthIndicator on PostgreSQL', () => {
  it('is down while a transaction holds the log back longer than maxHeldBackMs, and names it', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const [{ pid }] = await runner.query('SELECT pg_backend_pid() AS pid');
    await runner.startTransaction();
    try {
      await store.withTransaction(runner).append(stream('account', 'held-1'), AccountOpened.create({ owner: 'Ada' }), {
        expectedVersion: 'no_stream',
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const indicator = app.get(EsHealthIndicator);

      const held = await indicator.isHealthy('eventStore', { maxHeldBackMs: 10 });
      expect(held.eventStore.status).toBe('down');
      expect(held.eventStore.heldBackBy).toMatchObject({ pid });
      expect(held.eventStore.problems).toEqual([
        expect.stringMatching(new RegExp(`\\(pid ${pid}\\) has held the log back`)),
      ]);
      expect((await indicator.isHealthy('eventStore', { maxHeldBackMs: 60_000 })).eventStore.status).toBe('up');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    await app.get(EsWorkers).consumer('owners').whenCaughtUp();
  });
});
