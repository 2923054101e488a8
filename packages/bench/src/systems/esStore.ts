import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  createConsumer,
  createEventStore,
  createOutboxRelay,
  createRepository,
  type EventStore,
  type EventStoreBackend,
} from '@es/core';
import type { BackendSession, SessionOptions } from '@es/core/backend';
import type { SqlBackend } from '@es/core/sql';
import { openTelemetry } from '@es/opentelemetry';
import {
  type Account,
  accountDecider,
  type Contact,
  ContactRecorded,
  ContactRecordedInClear,
  type Deposit,
  Deposited,
} from '../fixtures.ts';
import { runInstances } from '../partitioned/instances.ts';
import type { InstanceBackend } from '../partitioned/protocol.ts';
import type { BenchSystem, ContactMode, Dialect } from '../system.ts';
import { inMemorySdk } from '../telemetry.ts';

/** What an @es backend adapter hands over once connected. */
export interface OpenedBackend {
  readonly backend: EventStoreBackend<unknown>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const stream = (id: string) => ({ category: 'bench', id });

/** The bench's deposits appended to stream `id` of `store` (the plain, outbox or joined store). */
function appendDeposits(
  store: EventStore<typeof Deposited, unknown>,
  id: string,
  events: readonly Deposit[],
  expectedVersion: number,
) {
  return store.append(
    stream(id),
    events.map((event) => Deposited.create(event)),
    { expectedVersion },
  );
}

/**
 * `backend` counting the data keys its sessions look up (`findDataKey`, `currentDataKey`): what the
 * store's key cache saves.
 */
function countingKeyLookups<THandle>(backend: EventStoreBackend<THandle>) {
  let lookups = 0;
  const counted = <S extends object>(session: S): S =>
    new Proxy(session, {
      get(target, key) {
        if (key === 'findDataKey' || key === 'currentDataKey') lookups++;
        return Reflect.get(target, key);
      },
    });
  const proxy = new Proxy(backend, {
    get(target, key) {
      type Work<T> = (session: BackendSession<THandle>) => Promise<T>;
      if (key === 'transaction') {
        return <T>(work: Work<T>, options?: SessionOptions<THandle>) =>
          target.transaction((session) => work(counted(session)), options);
      }
      if (key === 'read') {
        return <T>(work: Work<T>, options?: SessionOptions<THandle>) =>
          target.read((session) => work(counted(session)), options);
      }
      return Reflect.get(target, key);
    },
  });
  return { backend: proxy, lookups: () => lookups };
}

/**
 * Any @es backend as a bench system, through the public API a user calls: `store.append`,
 * `readStream`, a repository with snapshots, `createConsumer(...).catchUp()`, and
 * `createOutboxRelay(...).drain()`. Backend adapters only connect and create tables.
 */
export function esSystem(
  name: string,
  dialect: Dialect,
  open: () => Promise<OpenedBackend>,
  /** How an instance process opens the same tables (catchUpInProcesses); none: not measured. */
  instanceBackend?: InstanceBackend,
): BenchSystem {
  let opened: OpenedBackend | undefined;
  let store: EventStore<typeof Deposited, unknown>;
  let outboxStore: EventStore<typeof Deposited, unknown>;
  let ambientStore: EventStore<typeof Deposited, unknown>;
  let apiOnlyStore: EventStore<typeof Deposited, unknown>;
  let sdkStore: EventStore<typeof Deposited, unknown>;
  let contactStores: Record<ContactMode, EventStore<typeof ContactRecorded | typeof ContactRecordedInClear, unknown>>;
  let keyLookups: () => number;
  const sdk = inMemorySdk();
  const ambient = new AsyncLocalStorage<unknown>();
  const connected = () => {
    if (!opened) throw new Error(`${name} is not open`);
    return opened;
  };
  /** Every @es ORM backend is a SqlBackend: its connection is the ORM's raw-SQL path. */
  const sqlConnection = () => (connected().backend as unknown as SqlBackend<unknown>).connection;
  const repository = () =>
    createRepository(store, { category: 'bench', decider: accountDecider, snapshots: { every: 50 } });

  return {
    name: `${name}/${dialect}`,
    role: 'backend',
    dialect,
    async open() {
      opened = await open();
      store = createEventStore({ backend: opened.backend, events: [Deposited] });
      outboxStore = createEventStore({ backend: opened.backend, events: [Deposited], outbox: true });
      ambientStore = createEventStore({
        backend: opened.backend,
        events: [Deposited],
        transactionContext: { current: () => ambient.getStore() },
      });
      // The global providers, which no SDK registers in the bench: the API's no-ops.
      apiOnlyStore = createEventStore({ backend: opened.backend, events: [Deposited], telemetry: openTelemetry() });
      sdkStore = createEventStore({
        backend: opened.backend,
        events: [Deposited],
        telemetry: openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider }),
      });
      const counting = countingKeyLookups(opened.backend);
      keyLookups = counting.lookups;
      const masterKeys = [{ id: 'bench', key: new Uint8Array(randomBytes(32)) }];
      contactStores = {
        personal: createEventStore({
          backend: counting.backend,
          events: [ContactRecorded],
          personalData: { masterKeys },
        }),
        'personal-uncached': createEventStore({
          backend: counting.backend,
          events: [ContactRecorded],
          personalData: { masterKeys, cacheTtlMs: 0 },
        }),
        clear: createEventStore({ backend: opened.backend, events: [ContactRecordedInClear] }),
      };
    },
    async roundTrip(inTransaction) {
      const connection = sqlConnection();
      if (inTransaction) await connection.transaction((executor) => executor.query('SELECT 1'));
      else await connection.query('SELECT 1');
    },
    analyze: async () => {
      await sqlConnection().execute('ANALYZE');
      if (dialect === 'postgres') await sqlConnection().execute('CHECKPOINT');
    },
    async reset() {
      sdk.reset();
      await connected().reset();
    },
    async close() {
      await sdk.shutdown();
      await connected().close();
    },
    async append(id, events, expectedVersion) {
      await appendDeposits(store, id, events, expectedVersion);
    },
    async appendInTransaction(id, events, expectedVersion) {
      await sqlConnection().transaction((_executor, handle) =>
        appendDeposits(store.withTransaction(handle), id, events, expectedVersion),
      );
    },
    async appendInAmbientTransaction(id, events, expectedVersion) {
      await sqlConnection().transaction((_executor, handle) =>
        ambient.run(handle, () => appendDeposits(ambientStore, id, events, expectedVersion)),
      );
    },
    instrumented: {
      async api(id, events, expectedVersion) {
        await appendDeposits(apiOnlyStore, id, events, expectedVersion);
      },
      async sdk(id, events, expectedVersion) {
        await appendDeposits(sdkStore, id, events, expectedVersion);
      },
    },
    async conditionalAppend(tag, after) {
      const { events } = await store.append(Deposited.create({ amount: 1, note: 'bench deposit' }, { tags: [tag] }), {
        condition: { failIfEventsMatch: [{ types: ['Deposited'], tags: [tag] }], ...(after && { after }) },
      });
      const [event] = events;
      if (!event) throw new Error('conditional append wrote nothing');
      return { transactionId: event.transactionId, position: event.position };
    },
    async readStream(id) {
      return (await store.readStream(stream(id))).length;
    },
    async importStreams(streams) {
      const batchSize = streams.reduce((count, imported) => count + imported.events.length, 0);
      const source = streams.map((imported) => ({
        stream: stream(imported.id),
        events: imported.events.map((event) => Deposited.create(event)),
      }));
      return (await store.import(source, { batchSize })).events;
    },
    eventStore: () => store,
    contacts: {
      async append(mode, id, events: readonly Contact[], expectedVersion) {
        const definition = mode === 'clear' ? ContactRecordedInClear : ContactRecorded;
        await contactStores[mode].append(
          stream(id),
          events.map((event) => definition.create(event)),
          { expectedVersion },
        );
      },
      async readStream(mode, id) {
        return (await contactStores[mode].readStream(stream(id))).length;
      },
      keyLookups: () => keyLookups(),
    },
    snapshots: {
      async save(id, version, state: Account) {
        await store.saveSnapshot(stream(id), { version, state });
      },
      load: (id) => repository().load(id),
    },
    async catchUp(batchSize, total, onBatch) {
      const consumer = createConsumer(store, {
        name: 'bench',
        batchSize,
        handle: async (events) => onBatch(events.length),
      });
      let handled = 0;
      while (handled < total) handled += await consumer.catchUp();
      return handled;
    },
    ...(instanceBackend && {
      catchUpInProcesses(run) {
        // The same consumer in this process, never started: only asked how far it is.
        const observer = createConsumer(store, {
          name: run.options.consumer,
          ...(run.options.partitions !== undefined && { partitions: run.options.partitions }),
          handle: async () => {},
        });
        return runInstances({
          ...run,
          options: { ...run.options, backend: instanceBackend },
          caughtUp: async () => (await observer.status()).lag === 0,
        });
      },
    }),
    outbox: {
      async append(id, events, expectedVersion) {
        await appendDeposits(outboxStore, id, events, expectedVersion);
      },
      async drain(batchSize, onBatch) {
        const relay = createOutboxRelay(outboxStore, {
          batchSize,
          // A no-op publisher: the relay's own work is what is measured.
          publish: async () => {},
        });
        let published = 0;
        for (;;) {
          const batch = await relay.processBatch();
          if (batch.claimed === 0) return published;
          published += batch.published;
          onBatch(batch.published);
        }
      },
    },
  };
}
