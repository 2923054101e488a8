// Type-level tests: checked by `pnpm typecheck` (tsc), they pin what users see.
import { expectTypeOf } from 'expect-type';
import { z } from 'zod';
import {
  type ConsumerStatus,
  createConsumer,
  createEventStore,
  createMemoryBackend,
  createRepository,
  type Decider,
  defineEvent,
  type EventOf,
  type ImportResult,
  type ImportStream,
  type LogPosition,
  type MemoryTransaction,
  type PartitionStatus,
  partitionOf,
  type RecordedEventOf,
  type StreamName,
  type UnknownRecordedEvent,
} from './index.js';

const Opened = defineEvent('Opened', z.object({ owner: z.string(), at: z.date() }));
const Deposited = defineEvent('Deposited', z.object({ amount: z.number(), cents: z.bigint().optional() }));
const Parsed = defineEvent('Parsed', z.object({ count: z.string().transform((s) => Number(s)) }));

// An event's type name and payload are inferred from its definition.
expectTypeOf(Opened.type).toEqualTypeOf<'Opened'>();
expectTypeOf(Opened.create).parameter(0).toEqualTypeOf<{ owner: string; at: Date }>();
expectTypeOf(Deposited.create({ amount: 1 }).data).toEqualTypeOf<{ amount: number; cents?: bigint | undefined }>();
expectTypeOf(Parsed.create).parameter(0).toEqualTypeOf<{ count: string }>();
expectTypeOf(Parsed.create({ count: '3' }).data).toEqualTypeOf<{ count: number }>();
// @ts-expect-error: amount must be a number
Deposited.create({ amount: '1' });

type Account = typeof Opened | typeof Deposited;
expectTypeOf<EventOf<Account>['type']>().toEqualTypeOf<'Opened' | 'Deposited'>();

const store = createEventStore({ backend: createMemoryBackend(), events: [Opened, Deposited] });
expectTypeOf(store.withTransaction).parameter(0).toEqualTypeOf<MemoryTransaction>();

async function appendsAndReads() {
  // Plain objects are checked against the registered types.
  await store.append(
    { category: 'account', id: '1' },
    { type: 'Deposited', data: { amount: 1 } },
    { expectedVersion: 'any' },
  );
  // @ts-expect-error: unknown event type for this store
  await store.append({ category: 'account', id: '1' }, { type: 'Closed', data: {} }, { expectedVersion: 'any' });
  const account = { category: 'account', id: '1' };
  // @ts-expect-error: payload of the wrong shape
  await store.append(account, { type: 'Deposited', data: { owner: 'x' } }, { expectedVersion: 'any' });
  // @ts-expect-error: expectedVersion is required
  await store.append({ category: 'account', id: '1' }, Deposited.create({ amount: 1 }), {});

  const events = await store.readStream({ category: 'account', id: '1' });
  expectTypeOf(events).toEqualTypeOf<RecordedEventOf<Account>[]>();
  const [first] = events;
  if (first?.type === 'Deposited') expectTypeOf(first.data.amount).toEqualTypeOf<number>();
  if (first && Opened.is(first)) expectTypeOf(first.data.at).toEqualTypeOf<Date>();
  expectTypeOf(first!.position).toEqualTypeOf<bigint>();
  const page = await store.readAll();
  expectTypeOf(page.next).toEqualTypeOf<LogPosition>();
}
void appendsAndReads;

// What applications write to pass an append's arguments around still names the stream append
// (declared last among the overloads, after the streamless one of dynamic consistency boundaries).
expectTypeOf<Parameters<typeof store.append>[0]>().toEqualTypeOf<StreamName>();

// Deciders see the union of their events, narrowed by `type`.
const decider: Decider<number, { add: number }, Account> = {
  initialState: () => 0,
  evolve: (state, event) => {
    expectTypeOf(event).toEqualTypeOf<EventOf<Account>>();
    return event.type === 'Deposited' ? state + event.data.amount : state;
  },
  decide: (command) => Deposited.create({ amount: command.add }),
};
const repository = createRepository(store, { category: 'account', decider });
expectTypeOf(repository.handle).parameter(1).toEqualTypeOf<{ add: number }>();

// A reader that asks for raw events gets unknown types as UnknownRecordedEvent, and only then.
{
  const store = createEventStore({ backend: createMemoryBackend(), events: [Opened, Deposited] });
  const stream = { category: 'account', id: 'a' };
  expectTypeOf(store.readStream(stream)).resolves.toEqualTypeOf<RecordedEventOf<Account>[]>();
  expectTypeOf(store.readStream(stream, { unknownTypes: 'raw' })).resolves.toEqualTypeOf<
    (RecordedEventOf<Account> | UnknownRecordedEvent)[]
  >();
  expectTypeOf(store.readAll({ limit: 5 }))
    .resolves.toHaveProperty('events')
    .toEqualTypeOf<RecordedEventOf<Account>[]>();
  expectTypeOf(store.readAll({ unknownTypes: 'raw' }))
    .resolves.toHaveProperty('events')
    .toEqualTypeOf<(RecordedEventOf<Account> | UnknownRecordedEvent)[]>();
}

// Bulk import: a source's events are the store's event inputs; the result counts what was written.
{
  const importing = createEventStore({ backend: createMemoryBackend(), events: [Opened, Deposited] });
  const result = importing.import([
    { stream: { category: 'account', id: 'a' }, events: [Deposited.create({ amount: 1 })] },
  ]);
  expectTypeOf(result).resolves.toEqualTypeOf<ImportResult>();
  expectTypeOf<ImportResult['lastPosition']>().toEqualTypeOf<bigint | undefined>();
  async function* source(): AsyncGenerator<ImportStream<ReturnType<typeof Opened.create>>> {}
  void importing.import(source(), {
    batchSize: 100,
    onProgress: (progress) => expectTypeOf(progress.events).toBeNumber(),
  });
  // @ts-expect-error: an event of a type the store does not register
  void importing.import([{ stream: { category: 'account', id: 'a' }, events: [Parsed.create({ count: '1' })] }]);
  // @ts-expect-error: a payload its schema refuses
  void importing.import([
    { stream: { category: 'account', id: 'a' }, events: [{ type: 'Deposited', data: { amount: '1' } }] },
  ]);
}

// Partitioned consumers: the count is on the consumer, each partition's state in its status.
{
  const store = createEventStore({ backend: createMemoryBackend(), events: [Opened] });
  const consumer = createConsumer(store, { name: 'p', partitions: 4, concurrency: 2, handle: async () => {} });
  expectTypeOf(consumer.partitions).toEqualTypeOf<number | undefined>();
  expectTypeOf(consumer.heldPartitions).toEqualTypeOf<number[]>();
  expectTypeOf<ConsumerStatus['partitions']>().toEqualTypeOf<readonly PartitionStatus[] | undefined>();
  expectTypeOf<PartitionStatus['held']>().toEqualTypeOf<boolean>();
  expectTypeOf(partitionOf).returns.toEqualTypeOf<number>();
  // @ts-expect-error: the partition count is a number
  createConsumer(store, { name: 'p', partitions: '4', handle: async () => {} });
}
