import {
  type BrokerScenarioEvents,
  brokerConnection,
  brokerScenario,
  expectEveryEventDelivered,
  expectRowKeptWhenPublishFails,
  Withdrawn,
} from '@es/testing/brokers';
import { describe, expect, it } from '@jest/globals';
import { type Channel, type ConsumeMessage, connect } from 'amqplib';
import {
  createRabbitMqPublisher,
  decodeEvent,
  defaultRoutingKey,
  RabbitMqPublishError,
  routingKeyWord,
} from '../src/index.js';

const AMQP_URL = process.env.ES_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const rabbit = brokerConnection(() => connect(AMQP_URL));

/** A scenario (a store on a tenant of its own), a topic exchange and a queue bound to all of that
 * tenant's events, all named uniquely so parallel runs never share them. */
async function setup() {
  const scenario = brokerScenario();
  // Declares, consumes and cleans up; the publisher gets a confirm channel of its own.
  const admin = await rabbit.current.createChannel();
  rabbit.afterTest(() => admin.close());
  const exchange = `es-test-${scenario.suffix}`;
  await admin.assertExchange(exchange, 'topic', { durable: false });
  rabbit.afterTest(() => admin.deleteExchange(exchange));
  const { queue } = await admin.assertQueue(`es-test-${scenario.suffix}`, { durable: false });
  rabbit.afterTest(() => admin.deleteQueue(queue));
  await admin.bindQueue(queue, exchange, `${routingKeyWord(scenario.tenant)}.#`);
  const channel = await rabbit.current.createConfirmChannel();
  // A channel the broker already closed (the missing-exchange test) rejects close(): nothing to do.
  rabbit.afterTest(() => channel.close().catch(() => {}));
  const channelErrors: Error[] = [];
  channel.on('error', (error) => channelErrors.push(error));
  return {
    ...scenario,
    exchange,
    channel,
    channelErrors,
    receive: (count: number) => consume(admin, queue, count),
    decode: decodeEvent<BrokerScenarioEvents>,
  };
}

async function consume(admin: Channel, queue: string, count: number): Promise<ConsumeMessage[]> {
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

describe('createRabbitMqPublisher', () => {
  it('delivers every event, decoded as written, in per-stream version order', async () => {
    const scenario = await setup();
    const { channel, exchange, tenant } = scenario;
    const { event, message } = await expectEveryEventDelivered(
      scenario,
      createRabbitMqPublisher({ channel, exchange }),
    );
    expect(message.fields.routingKey).toBe(`acme%2E${tenant.slice('acme.'.length)}.account.Deposited`);
    expect(message.fields.routingKey).toBe(defaultRoutingKey(event));
    expect(message.properties).toMatchObject({
      messageId: event.id,
      type: 'Deposited',
      contentType: 'application/json',
      deliveryMode: 2,
      correlationId: 'request-1',
      headers: { 'es-stream': `${tenant}/account/a`, 'es-version': 1, 'es-position': String(event.position) },
    });
  });

  it('sends a redelivered event with the same messageId, for consumers to deduplicate', async () => {
    const { exchange, channel, store, receive } = await setup();
    const [event] = (
      await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
        expectedVersion: 'no_stream',
      })
    ).events;
    const publish = createRabbitMqPublisher<BrokerScenarioEvents>({ channel, exchange });
    await publish(event!);
    await publish(event!);
    const messages = await receive(2);
    expect(messages.map((message) => message.properties.messageId)).toEqual([event!.id, event!.id]);
  });

  it('throws when the exchange is missing, and the relay keeps the row', async () => {
    const scenario = await setup();
    const { suffix, channel, channelErrors } = scenario;
    const error = await expectRowKeptWhenPublishFails(
      scenario,
      createRabbitMqPublisher({ channel, exchange: `es-missing-${suffix}` }),
    );
    expect(error).toBeInstanceOf(RabbitMqPublishError);
    expect((error as Error).message).toMatch(/404 \(NOT-FOUND\).*no exchange/);
    // The broker closed the channel: the owner hears it too, and must open a new one.
    expect(channelErrors).toHaveLength(1);
  });
});
