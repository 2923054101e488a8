import { randomBytes } from 'node:crypto';
import { createEventStore, createMemoryBackend, createOutboxRelay, defineEvent } from '@es/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, connect } from 'amqplib';
import { z } from 'zod';
import {
  createRabbitMqPublisher,
  decodeEvent,
  defaultRoutingKey,
  RabbitMqPublishError,
  routingKeyWord,
} from '../src/index.js';

const AMQP_URL = process.env.ES_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const Deposited = defineEvent('Deposited', z.object({ amount: z.bigint(), at: z.date(), note: z.string() }));
const Withdrawn = defineEvent('Withdrawn', z.object({ amount: z.bigint() }));
type Events = typeof Deposited | typeof Withdrawn;

let connection: ChannelModel;
/** Declares, consumes and cleans up; the publishers get confirm channels of their own. */
let admin: Channel;
const exchanges: string[] = [];
const queues: string[] = [];
const channels: ConfirmChannel[] = [];

beforeAll(async () => {
  connection = await connect(AMQP_URL);
  admin = await connection.createChannel();
});

afterEach(async () => {
  // A channel the broker already closed (the missing-exchange test) rejects close(): nothing to do.
  for (const channel of channels.splice(0)) await channel.close().catch(() => {});
  for (const queue of queues.splice(0)) await admin.deleteQueue(queue);
  for (const exchange of exchanges.splice(0)) await admin.deleteExchange(exchange);
});

afterAll(async () => {
  await connection?.close();
});

/** A store on its own tenant (with a `.` in it, to exercise escaping), a topic exchange and a
 * queue bound to all of it, all named uniquely so parallel runs never share them. */
async function setup() {
  const suffix = randomBytes(6).toString('hex');
  const tenant = `acme.${suffix}`;
  const exchange = `es-test-${suffix}`;
  await admin.assertExchange(exchange, 'topic', { durable: false });
  exchanges.push(exchange);
  const { queue } = await admin.assertQueue(`es-test-${suffix}`, { durable: false });
  queues.push(queue);
  await admin.bindQueue(queue, exchange, `${routingKeyWord(tenant)}.#`);
  const channel = await connection.createConfirmChannel();
  channels.push(channel);
  const channelErrors: Error[] = [];
  channel.on('error', (error) => channelErrors.push(error));
  const store = createEventStore({
    backend: createMemoryBackend(),
    events: [Deposited, Withdrawn],
    outbox: true,
    tenant,
  });
  return { suffix, tenant, exchange, queue, channel, channelErrors, store };
}

async function consume(queue: string, count: number): Promise<ConsumeMessage[]> {
  const received: ConsumeMessage[] = [];
  let consumerTag = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`got ${received.length} of ${count} messages`)), 5_000);
    admin
      .consume(
        queue,
        (message) => {
          if (message) received.push(message);
          if (received.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
        { noAck: true },
      )
      .then((reply) => {
        consumerTag = reply.consumerTag;
      }, reject);
  });
  await admin.cancel(consumerTag);
  return received;
}

describe('routingKeyWord', () => {
  it('keeps a value one word and distinct values apart', () => {
    expect(routingKeyWord('Deposited')).toBe('Deposited');
    expect(routingKeyWord('acme.eu')).toBe('acme%2Eeu');
    expect(routingKeyWord('a*#%')).toBe('a%2A%23%25');
    expect(routingKeyWord('acme%2Eeu')).not.toBe(routingKeyWord('acme.eu'));
  });
});

describe('createRabbitMqPublisher', () => {
  it('delivers every event, decoded as written, in per-stream version order', async () => {
    const { tenant, exchange, queue, channel, store } = await setup();
    const at = new Date('2024-02-29T12:34:56.789Z');
    const huge = 2n ** 70n;
    const written = [
      ...(
        await store.append(
          { category: 'account', id: 'a' },
          [Deposited.create({ amount: huge, at, note: 'first' }), Deposited.create({ amount: 1n, at, note: 'second' })],
          { expectedVersion: 'no_stream', metadata: { correlationId: 'request-1' } },
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

    const relay = createOutboxRelay(store, { publish: createRabbitMqPublisher({ channel, exchange }) });
    expect(await relay.drain()).toBe(6);
    expect(await relay.status()).toEqual({ pending: 0, dead: 0 });

    const messages = await consume(queue, written.length);
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

    const message = messages.find((candidate) => candidate.properties.messageId === first.id)!;
    expect(message.fields.routingKey).toBe(`acme%2E${tenant.slice('acme.'.length)}.account.Deposited`);
    expect(message.fields.routingKey).toBe(defaultRoutingKey(first));
    expect(message.properties).toMatchObject({
      messageId: first.id,
      type: 'Deposited',
      contentType: 'application/json',
      deliveryMode: 2,
      correlationId: 'request-1',
      headers: { 'es-stream': `${tenant}/account/a`, 'es-version': 1, 'es-position': String(first.position) },
    });
  });

  it('sends a redelivered event with the same messageId, for consumers to deduplicate', async () => {
    const { queue, exchange, channel, store } = await setup();
    const [event] = (
      await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
        expectedVersion: 'no_stream',
      })
    ).events;
    const publish = createRabbitMqPublisher<Events>({ channel, exchange });
    await publish(event!);
    await publish(event!);
    const messages = await consume(queue, 2);
    expect(messages.map((message) => message.properties.messageId)).toEqual([event!.id, event!.id]);
  });

  it('throws when the exchange is missing, and the relay keeps the row', async () => {
    const { suffix, channel, channelErrors, store } = await setup();
    await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
      expectedVersion: 'no_stream',
    });
    const errors: unknown[] = [];
    const relay = createOutboxRelay(store, {
      publish: createRabbitMqPublisher<Events>({ channel, exchange: `es-missing-${suffix}` }),
      onError: (error) => errors.push(error),
    });
    expect(await relay.drain()).toBe(0);
    expect(await relay.status()).toEqual({ pending: 1, dead: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RabbitMqPublishError);
    expect((errors[0] as Error).message).toMatch(/404 \(NOT-FOUND\).*no exchange/);
    // The broker closed the channel: the owner hears it too, and must open a new one.
    expect(channelErrors).toHaveLength(1);
  });
});
