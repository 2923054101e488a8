import { randomBytes } from 'node:crypto';
import { createEventStore, createMemoryBackend, createOutboxRelay, defineEvent, type RecordedEventOf } from '@es/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type JetStreamManager, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import {
  createJetStreamPublisher,
  decodeEvent,
  defaultSubject,
  JetStreamPublishError,
  subjectToken,
} from '../src/index.js';

const NATS_URL = process.env.ES_NATS_URL ?? '127.0.0.1:4222';

const Deposited = defineEvent('Deposited', z.object({ amount: z.bigint(), at: z.date(), note: z.string() }));
const Withdrawn = defineEvent('Withdrawn', z.object({ amount: z.bigint() }));
type Events = typeof Deposited | typeof Withdrawn;

let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];

beforeAll(async () => {
  nc = await connect({ servers: NATS_URL });
  jsm = await jetstreamManager(nc);
});

afterEach(async () => {
  for (const name of streams.splice(0)) await jsm.streams.delete(name);
});

afterAll(async () => {
  await nc?.close();
});

/** A store on its own tenant (with a `.` in it, to exercise escaping) and a stream capturing
 * exactly that tenant's default subjects, so parallel runs never see each other's messages. */
async function setup() {
  const suffix = randomBytes(6).toString('hex');
  const tenant = `acme.${suffix}`;
  const stream = `ES_TEST_${suffix}`;
  await jsm.streams.add({ name: stream, subjects: [`es.${subjectToken(tenant)}.>`], storage: StorageType.Memory });
  streams.push(stream);
  const store = createEventStore({
    backend: createMemoryBackend(),
    events: [Deposited, Withdrawn],
    outbox: true,
    tenant,
  });
  return { suffix, tenant, stream, store };
}

async function readAll(stream: string, count: number) {
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
  const received = [];
  for await (const message of messages) received.push(message);
  return received;
}

describe('subjectToken', () => {
  it('keeps a value one token and distinct values apart', () => {
    expect(subjectToken('Deposited')).toBe('Deposited');
    expect(subjectToken('acme.eu')).toBe('acme%2Eeu');
    expect(subjectToken('a b*>%')).toBe('a%20b%2A%3E%25');
    expect(subjectToken('acme%2Eeu')).not.toBe(subjectToken('acme.eu'));
    expect(subjectToken('über')).toBe('%C3%BCber');
  });
});

describe('createJetStreamPublisher', () => {
  it('delivers every event, decoded as written, in per-stream version order', async () => {
    const { tenant, stream, store } = await setup();
    const at = new Date('2024-02-29T12:34:56.789Z');
    const huge = 2n ** 70n;
    const written = [
      ...(
        await store.append(
          { category: 'account', id: 'a' },
          [Deposited.create({ amount: huge, at, note: 'first' }), Deposited.create({ amount: 1n, at, note: 'second' })],
          { expectedVersion: 'no_stream' },
        )
      ).events,
      ...(
        await store.append({ category: 'account', id: 'b' }, Deposited.create({ amount: 5n, at, note: 'b1' }), {
          expectedVersion: 'no_stream',
        })
      ).events,
      ...(
        await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 3n }), { expectedVersion: 2 })
      ).events,
      ...(
        await store.append(
          { category: 'account', id: 'b' },
          [Withdrawn.create({ amount: 2n }), Deposited.create({ amount: 7n, at, note: 'b3' })],
          { expectedVersion: 1 },
        )
      ).events,
    ];

    const relay = createOutboxRelay(store, { publish: createJetStreamPublisher({ connection: nc }) });
    expect(await relay.drain()).toBe(6);
    expect(await relay.status()).toEqual({ pending: 0, dead: 0 });

    const messages = await readAll(stream, written.length);
    const decoded = messages.map((message) => decodeEvent<Events>(message));
    expect(new Set(decoded.map((event) => event.id))).toEqual(new Set(written.map((event) => event.id)));
    for (const event of decoded) expect(event).toEqual(written.find((candidate) => candidate.id === event.id));
    for (const id of ['a', 'b']) {
      expect(decoded.filter((event) => event.stream.id === id).map((event) => event.version)).toEqual([1, 2, 3]);
    }

    const first = decoded.find((event) => event.version === 1 && event.stream.id === 'a');
    if (first?.type !== 'Deposited') throw new Error('expected the first Deposited event');
    expect(first.data.at).toEqual(at);
    expect(first.data.amount).toBe(huge);

    const message = messages[0]!;
    const event = decoded[0]!;
    expect(message.subject).toBe(`es.acme%2E${tenant.slice('acme.'.length)}.account.${event.type}`);
    expect(message.subject).toBe(defaultSubject(event));
    expect(message.headers?.get('Nats-Msg-Id')).toBe(event.id);
    expect(message.headers?.get('Es-Stream')).toBe(`${tenant}/account/${event.stream.id}`);
    expect(message.headers?.get('Es-Version')).toBe(String(event.version));
  });

  it('lets JetStream drop a redelivered event id inside the duplicate window', async () => {
    const { stream, store } = await setup();
    await store.append({ category: 'account', id: 'a' }, Deposited.create({ amount: 1n, at: new Date(), note: 'x' }), {
      expectedVersion: 'no_stream',
    });
    const publish = createJetStreamPublisher<Events>({ connection: nc });

    // The broker stores the event but the relay never hears back: it retries the same row.
    let calls = 0;
    const delivered: RecordedEventOf<Events>[] = [];
    const relay = createOutboxRelay(store, {
      publish: async (event) => {
        await publish(event);
        delivered.push(event);
        if (++calls === 1) throw new Error('ack lost');
      },
      backoff: { baseMs: 0 },
    });
    expect(await relay.drain()).toBe(1);
    expect(calls).toBe(2);

    await publish(delivered[0]!);
    expect((await jsm.streams.info(stream)).state.messages).toBe(1);
  });

  it('throws when no stream captures the subject, and the relay keeps the row', async () => {
    const { suffix, store } = await setup();
    await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
      expectedVersion: 'no_stream',
    });
    const errors: unknown[] = [];
    const relay = createOutboxRelay(store, {
      publish: createJetStreamPublisher<Events>({
        connection: nc,
        subject: (event) => `nowhere.${suffix}.${event.type}`,
      }),
      onError: (error) => errors.push(error),
    });
    expect(await relay.drain()).toBe(0);
    expect(await relay.status()).toEqual({ pending: 1, dead: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(JetStreamPublishError);
    expect((errors[0] as Error).message).toMatch(/no JetStream stream captures/);
  });

  it('throws when the stream rejects the message', async () => {
    const { stream, store } = await setup();
    // The stream takes the subject but refuses the message: an error reply instead of a PubAck.
    await jsm.streams.update(stream, { max_msg_size: 16 });
    await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
      expectedVersion: 'no_stream',
    });
    const [event] = await store.readStream({ category: 'account', id: 'a' });
    const publish = createJetStreamPublisher<Events>({ connection: nc });
    await expect(publish(event!)).rejects.toThrow(JetStreamPublishError);
    await expect(publish(event!)).rejects.toThrow(/message size exceeds maximum/);
  });
});
