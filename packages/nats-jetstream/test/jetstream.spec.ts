import { createOutboxRelay, type RecordedEventOf } from '@es/core';
import {
  type BrokerScenarioEvents,
  brokerConnection,
  brokerScenario,
  Deposited,
  expectEveryEventDelivered,
  expectRowKeptWhenPublishFails,
  Withdrawn,
} from '@es/testing/brokers';
import { describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  createJetStreamPublisher,
  decodeEvent,
  defaultSubject,
  JetStreamPublishError,
  subjectToken,
} from '../src/index.js';

const NATS_URL = process.env.ES_NATS_URL ?? '127.0.0.1:4222';

const nats = brokerConnection(() => connect({ servers: NATS_URL }));

/** A scenario (a store on a tenant of its own) and a stream capturing exactly that tenant's default
 * subjects, so parallel runs never see each other's messages. */
async function setup() {
  const scenario = brokerScenario();
  const manager = await jetstreamManager(nats.current);
  const stream = `ES_TEST_${scenario.suffix}`;
  await manager.streams.add({
    name: stream,
    subjects: [`es.${subjectToken(scenario.tenant)}.>`],
    storage: StorageType.Memory,
  });
  nats.afterTest(() => manager.streams.delete(stream));
  return {
    ...scenario,
    manager,
    stream,
    receive: (count: number) => readAll(stream, count),
    decode: decodeEvent<BrokerScenarioEvents>,
  };
}

async function readAll(stream: string, count: number) {
  const consumer = await jetstream(nats.current).consumers.get(stream);
  const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
  const received = [];
  for await (const message of messages) received.push(message);
  return received;
}

describe('createJetStreamPublisher', () => {
  it('delivers every event, decoded as written, in per-stream version order', async () => {
    const scenario = await setup();
    const { event, message } = await expectEveryEventDelivered(
      scenario,
      createJetStreamPublisher({ connection: nats.current }),
    );
    const { tenant } = scenario;
    expect(message.subject).toBe(`es.acme%2E${tenant.slice('acme.'.length)}.account.Deposited`);
    expect(message.subject).toBe(defaultSubject(event));
    expect(message.headers?.get('Nats-Msg-Id')).toBe(event.id);
    expect(message.headers?.get('Es-Type')).toBe('Deposited');
    expect(message.headers?.get('Es-Stream')).toBe(`${tenant}/account/a`);
    expect(message.headers?.get('Es-Version')).toBe('1');
    expect(message.headers?.get('Es-Position')).toBe(String(event.position));
  });

  it('lets JetStream drop a redelivered event id inside the duplicate window', async () => {
    const { manager, stream, store } = await setup();
    await store.append({ category: 'account', id: 'a' }, Deposited.create({ amount: 1n, at: new Date(), note: 'x' }), {
      expectedVersion: 'no_stream',
    });
    const publish = createJetStreamPublisher<BrokerScenarioEvents>({ connection: nats.current });

    // The broker stores the event but the relay never hears back: it retries the same row.
    let calls = 0;
    const delivered: RecordedEventOf<BrokerScenarioEvents>[] = [];
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
    expect((await manager.streams.info(stream)).state.messages).toBe(1);
  });

  it('throws when no stream captures the subject, and the relay keeps the row', async () => {
    const scenario = await setup();
    const error = await expectRowKeptWhenPublishFails(
      scenario,
      createJetStreamPublisher({
        connection: nats.current,
        subject: (event) => `nowhere.${scenario.suffix}.${event.type}`,
      }),
    );
    expect(error).toBeInstanceOf(JetStreamPublishError);
    expect((error as Error).message).toMatch(/no JetStream stream captures/);
  });

  it('throws when the stream rejects the message', async () => {
    const { manager, stream, store } = await setup();
    // The stream takes the subject but refuses the message: an error reply instead of a PubAck.
    await manager.streams.update(stream, { max_msg_size: 16 });
    await store.append({ category: 'account', id: 'a' }, Withdrawn.create({ amount: 1n }), {
      expectedVersion: 'no_stream',
    });
    const [event] = await store.readStream({ category: 'account', id: 'a' });
    const publish = createJetStreamPublisher<BrokerScenarioEvents>({ connection: nats.current });
    await expect(publish(event!)).rejects.toThrow(JetStreamPublishError);
    await expect(publish(event!)).rejects.toThrow(/message size exceeds maximum/);
  });
});
