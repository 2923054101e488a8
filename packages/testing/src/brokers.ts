// `@es/testing/brokers`: the scenarios every outbox publisher for a broker runs against its real
// broker. The broker's package sets up what captures the events (a stream, a queue bound to an
// exchange) and checks its own message envelope; these write, relay and read back.
import { randomBytes } from 'node:crypto';
import {
  createEventStore,
  createMemoryBackend,
  createOutboxRelay,
  defineEvent,
  type EventStore,
  type Publisher,
  type RecordedEventOf,
} from '@es/core';
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals';
import { z } from 'zod';

/** The scenarios' events: a date and a bigint past 2^64, which plain JSON would not bring back. */
export const Deposited = defineEvent('Deposited', z.object({ amount: z.bigint(), at: z.date(), note: z.string() }));
export const Withdrawn = defineEvent('Withdrawn', z.object({ amount: z.bigint() }));
export type BrokerScenarioEvents = typeof Deposited | typeof Withdrawn;
export type BrokerScenarioEvent = RecordedEventOf<BrokerScenarioEvents>;

/** A spec file's connection to its broker, and what its tests declare on the broker. */
export interface BrokerConnection<TConnection> {
  /** The open connection, inside tests and hooks. */
  readonly current: TConnection;
  /** Runs `undo` (deleting a stream, a queue, closing a channel) after the current test, latest first. */
  afterTest(undo: () => Promise<unknown>): void;
}

/** Opens the spec file's connection before its tests, closes it after them, and runs each test's `afterTest`s after it. */
export function brokerConnection<TConnection extends { close(): Promise<void> }>(
  connect: () => Promise<TConnection>,
): BrokerConnection<TConnection> {
  let connection: TConnection | undefined;
  const undos: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    connection = await connect();
  });
  afterEach(async () => {
    for (const undo of undos.splice(0).reverse()) await undo();
  });
  afterAll(async () => {
    await connection?.close();
  });
  return {
    get current() {
      if (connection === undefined) throw new Error('the broker connection is open only inside tests and hooks');
      return connection;
    },
    afterTest: (undo) => {
      undos.push(undo);
    },
  };
}

/** What one test works on: a store on a tenant of its own. */
export interface BrokerScenario {
  /** Random hex: name the broker's streams, queues and exchanges after it, so that parallel runs never share them. */
  readonly suffix: string;
  /** `acme.<suffix>`: a `.` that the broker's names must escape. */
  readonly tenant: string;
  /** A store with an outbox over the memory backend, on `tenant`. */
  readonly store: EventStore<BrokerScenarioEvents, unknown>;
}

/** A fresh scenario; the package's setup then declares on its broker what captures `tenant`'s events. */
export function brokerScenario(): BrokerScenario {
  const suffix = randomBytes(6).toString('hex');
  const tenant = `acme.${suffix}`;
  const store = createEventStore({
    backend: createMemoryBackend(),
    events: [Deposited, Withdrawn],
    outbox: true,
    tenant,
  });
  return { suffix, tenant, store };
}

/** A scenario with what the package declared on its broker to capture the tenant's events. */
export interface CapturedScenario<TMessage> extends BrokerScenario {
  /** Reads `count` messages from what captures the tenant's events under the publisher's default names. */
  receive(count: number): Promise<TMessage[]>;
  /** The package's own `decodeEvent` (which may take less than a whole message: `TMessage` comes from `receive`). */
  decode(message: NoInfer<TMessage>): BrokerScenarioEvent;
}

/**
 * Appends six events over two streams (the first append with a correlation id), relays them through
 * `publish`, and expects each one read back as written, dates and bigints included, each stream's
 * events in version order. Resolves to the first event written (`Deposited`, version 1 of stream
 * `account/a`) with its message, for the package's checks of its envelope.
 */
export async function expectEveryEventDelivered<TMessage>(
  scenario: CapturedScenario<TMessage>,
  publish: Publisher<BrokerScenarioEvents>,
): Promise<{ event: BrokerScenarioEvent; message: TMessage }> {
  const { store } = scenario;
  const at = new Date('2024-02-29T12:34:56.789Z');
  const huge = 2n ** 70n;
  const a = { category: 'account', id: 'a' };
  const b = { category: 'account', id: 'b' };
  const appends = [
    await store.append(
      a,
      [Deposited.create({ amount: huge, at, note: 'first' }), Deposited.create({ amount: 1n, at, note: 'second' })],
      { expectedVersion: 'no_stream', metadata: { correlationId: 'request-1' } },
    ),
    await store.append(b, Deposited.create({ amount: 5n, at, note: 'b1' }), { expectedVersion: 'no_stream' }),
    await store.append(a, Withdrawn.create({ amount: 3n }), { expectedVersion: 2 }),
    await store.append(b, [Withdrawn.create({ amount: 2n }), Deposited.create({ amount: 7n, at, note: 'b3' })], {
      expectedVersion: 1,
    }),
  ];
  const written = appends.flatMap((result) => result.events);

  const relay = createOutboxRelay(store, { publish });
  expect(await relay.drain()).toBe(written.length);
  expect(await relay.status()).toMatchObject({ pending: 0, dead: 0 });

  const messages = await scenario.receive(written.length);
  const decoded = messages.map((message) => scenario.decode(message));
  expect(new Set(decoded.map((event) => event.id))).toEqual(new Set(written.map((event) => event.id)));
  for (const event of decoded) expect(event).toEqual(written.find((candidate) => candidate.id === event.id));
  for (const id of ['a', 'b']) {
    expect(decoded.filter((event) => event.stream.id === id).map((event) => event.version)).toEqual([1, 2, 3]);
  }

  const first = written[0];
  const index = decoded.findIndex((event) => event.id === first?.id);
  const event = decoded[index];
  if (event?.type !== 'Deposited') throw new Error('expected the first event written, a Deposited');
  expect(event.data.at).toEqual(at);
  expect(event.data.amount).toBe(huge);
  return { event, message: messages[index] as TMessage };
}

/**
 * Appends one event and relays it through `publish`, which must fail: expects the relay to keep the
 * row pending (not dead) and to report the failure once. Resolves to the error it reported.
 */
export async function expectRowKeptWhenPublishFails(
  { store }: BrokerScenario,
  publish: Publisher<BrokerScenarioEvents>,
): Promise<unknown> {
  await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
    expectedVersion: 'no_stream',
  });
  const errors: unknown[] = [];
  const relay = createOutboxRelay(store, { publish, onError: (error) => errors.push(error) });
  expect(await relay.drain()).toBe(0);
  expect(await relay.status()).toMatchObject({ pending: 1, dead: 0 });
  expect(errors).toHaveLength(1);
  return errors[0];
}
