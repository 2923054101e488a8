import { type AnyEventDefinition, EsError, type Publisher, type RecordedEvent, type RecordedEventOf } from '@es/core';
import { brokerAddress, brokerWord, createBrokerPublisher, decodeRecordedEvent } from '@es/core/brokers';
import type { ConfirmChannel, Options } from 'amqplib';

export interface RabbitMqPublisherOptions<TEvents extends AnyEventDefinition> {
  /** The caller's confirm channel: the publisher never closes it. Give it an `'error'` listener,
   * since a channel error (a missing exchange, for one) closes it for good. */
  readonly channel: ConfirmChannel;
  /** Must exist: publishing to a missing exchange is a channel error, not a dropped message. */
  readonly exchange: string;
  /** Default `<tenant>.<category>.<type>`, each part escaped by `routingKeyWord`. */
  readonly routingKey?: (event: RecordedEventOf<TEvents>) => string;
}

/** The broker refused or never confirmed an event; the relay keeps the row and retries. */
export class RabbitMqPublishError extends EsError {
  readonly code = 'RABBITMQ_PUBLISH';
}

/**
 * A `Publisher` for the outbox relay. Each event goes out as a persistent JSON message with
 * `messageId` = event id (what consumers deduplicate by, since delivery is at-least-once), and the
 * call resolves only on the broker's publisher confirm.
 */
export function createRabbitMqPublisher<TEvents extends AnyEventDefinition>(
  options: RabbitMqPublisherOptions<TEvents>,
): Publisher<TEvents> {
  const { channel, exchange } = options;
  return createBrokerPublisher({
    address: options.routingKey ?? defaultRoutingKey,
    failure: RabbitMqPublishError,
    destination: (routingKey) => `exchange '${exchange}' (routing key '${routingKey}')`,
    async send({ event, address, body, streamKey, position }) {
      // When the broker closes the channel (404 for a missing exchange) the confirm callback only
      // hears "channel closed"; the reason arrives just before it as the channel's 'error' event.
      let closedBecause: Error | undefined;
      const onError = (error: Error) => {
        closedBecause = error;
      };
      channel.once('error', onError);
      try {
        await new Promise<void>((resolve, reject) => {
          // The return value only signals a full write buffer; awaiting each confirm already paces us.
          const properties = messageProperties(event, streamKey, position);
          channel.publish(exchange, address, Buffer.from(body), properties, (error: unknown) =>
            error ? reject(closedBecause ?? error) : resolve(),
          );
        });
      } finally {
        channel.off('error', onError);
      }
    },
  });
}

function messageProperties(event: RecordedEvent, streamKey: string, position: string): Options.Publish {
  const { correlationId } = event.metadata;
  return {
    messageId: event.id,
    type: event.type,
    persistent: true,
    contentType: 'application/json',
    // AMQP timestamps are whole seconds; the exact time is in the body.
    timestamp: Math.floor(event.recordedAt.getTime() / 1000),
    ...(typeof correlationId === 'string' ? { correlationId } : {}),
    headers: {
      'es-stream': streamKey,
      'es-version': event.version,
      // A string: AMQP's integers are 64-bit and JavaScript numbers lose precision past 2^53.
      'es-position': position,
    },
  };
}

/** `<tenant>.<category>.<type>`, each part escaped by `routingKeyWord`. */
export function defaultRoutingKey(event: RecordedEvent): string {
  return brokerAddress(event);
}

/**
 * Makes a value one word of a topic routing key. Tenants, categories and event types may contain
 * `.`, which would split the word, so everything but `[A-Za-z0-9_:-]` (and so also the binding
 * wildcards `*` and `#`) becomes `%XX` (UTF-8 bytes). `%` is escaped too, so distinct values
 * never share a key; build binding keys with it as well.
 */
export function routingKeyWord(value: string): string {
  return brokerWord(value);
}

/**
 * Reads back what the publisher sent (a `ConsumeMessage` or `GetMessage`), reviving dates and
 * bigints. The types are the caller's claim: nothing is validated beyond the event's envelope.
 */
export function decodeEvent<TEvents extends AnyEventDefinition>(message: {
  readonly content: Buffer;
}): RecordedEventOf<TEvents> {
  return decodeRecordedEvent<TEvents>(message.content);
}
