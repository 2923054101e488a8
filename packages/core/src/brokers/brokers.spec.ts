import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { EsError, InvalidArgumentError } from '../errors/index.js';
import { defineEvent } from '../events/index.js';
import { createMemoryBackend } from '../memory/index.js';
import { createEventStore } from '../store/index.js';
import { type BrokerMessage, brokerAddress, brokerWord, createBrokerPublisher, decodeRecordedEvent } from './index.js';

const Deposited = defineEvent('Deposited', z.object({ amount: z.bigint(), at: z.date() }));

class TestPublishError extends EsError {
  readonly code = 'TEST_PUBLISH';
}

async function recordedEvent() {
  const store = createEventStore({ backend: createMemoryBackend(), events: [Deposited], tenant: 'acme.eu' });
  const { events } = await store.append(
    { category: 'account', id: 'a' },
    Deposited.create({ amount: 2n ** 70n, at: new Date('2024-02-29T12:34:56.789Z') }),
    { expectedVersion: 'no_stream' },
  );
  return events[0]!;
}

describe('brokerWord', () => {
  it('keeps a value one word of a dotted name, wildcards included, and distinct values apart', () => {
    expect(brokerWord('Deposited')).toBe('Deposited');
    expect(brokerWord('snake_case:v-2')).toBe('snake_case:v-2');
    expect(brokerWord('acme.eu')).toBe('acme%2Eeu');
    expect(brokerWord('a b*>#%')).toBe('a%20b%2A%3E%23%25');
    expect(brokerWord('acme%2Eeu')).not.toBe(brokerWord('acme.eu'));
    expect(brokerWord('über')).toBe('%C3%BCber');
  });
});

describe('brokerAddress', () => {
  it('is the leading words, then tenant, category and type, each one word', async () => {
    const event = await recordedEvent();
    expect(brokerAddress(event)).toBe('acme%2Eeu.account.Deposited');
    expect(brokerAddress(event, 'es')).toBe('es.acme%2Eeu.account.Deposited');
  });
});

describe('decodeRecordedEvent', () => {
  it('reads back the text or its UTF-8 bytes, dates and bigints included', async () => {
    const event = await recordedEvent();
    let sent: BrokerMessage<typeof Deposited> | undefined;
    await createBrokerPublisher<typeof Deposited>({
      address: (recorded) => brokerAddress(recorded),
      failure: TestPublishError,
      send: async (message) => {
        sent = message;
      },
    })(event);
    expect(decodeRecordedEvent(sent!.body)).toEqual(event);
    expect(decodeRecordedEvent(new TextEncoder().encode(sent!.body))).toEqual(event);
  });

  it('refuses a body that holds no recorded event', () => {
    expect(() => decodeRecordedEvent('{"id":"x"}')).toThrow(InvalidArgumentError);
  });
});

describe('createBrokerPublisher', () => {
  it('hands the broker the event with its address, body, stream key and position', async () => {
    const event = await recordedEvent();
    const sent: BrokerMessage<typeof Deposited>[] = [];
    const publish = createBrokerPublisher<typeof Deposited>({
      address: (recorded) => `events.${recorded.type}`,
      failure: TestPublishError,
      send: async (message) => {
        sent.push(message);
      },
    });
    await publish(event);
    expect(sent).toEqual([
      {
        event,
        address: 'events.Deposited',
        body: expect.any(String),
        streamKey: 'acme.eu/account/a',
        position: String(event.position),
      },
    ]);
  });

  it("turns a failed send into the package's error, naming the event and its destination", async () => {
    const event = await recordedEvent();
    const cause = new Error('connection reset');
    const failing = { address: () => 'events.x', failure: TestPublishError, send: () => Promise.reject(cause) };

    const plain = createBrokerPublisher<typeof Deposited>(failing)(event);
    await expect(plain).rejects.toThrow(TestPublishError);
    await expect(plain).rejects.toMatchObject({
      message: `Cannot publish event ${event.id} to 'events.x': connection reset`,
      cause,
    });

    const described = createBrokerPublisher<typeof Deposited>({
      ...failing,
      destination: (address) => `exchange 'x' (routing key '${address}')`,
      reason: () => 'nobody listens',
    })(event);
    await expect(described).rejects.toThrow(
      `Cannot publish event ${event.id} to exchange 'x' (routing key 'events.x'): nobody listens`,
    );
  });
});
