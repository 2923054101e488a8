import { type AnyEventDefinition, EsError, type Publisher, type RecordedEvent, type RecordedEventOf } from '@es/core';
import { brokerAddress, brokerWord, createBrokerPublisher, decodeRecordedEvent } from '@es/core/brokers';
import { jetstream } from '@nats-io/jetstream';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/nats-core';

export interface JetStreamPublisherOptions<TEvents extends AnyEventDefinition> {
  /** The caller's connection: the publisher never closes or drains it. */
  readonly connection: NatsConnection;
  /** Where an event goes (default `es.<tenant>.<category>.<type>`, see `defaultSubject`). A stream
   * must capture it, or the publish fails and the relay retries. */
  readonly subject?: (event: RecordedEventOf<TEvents>) => string;
  /** Extra headers, added after the `Es-*` ones; `Nats-Msg-Id` is always the event id. */
  readonly headers?: (event: RecordedEventOf<TEvents>) => Readonly<Record<string, string>>;
  /** How long to wait for the stream's PubAck (default: the JetStream client's, 5 s). */
  readonly timeoutMs?: number;
}

/** The broker refused or never acknowledged an event; the relay keeps the row and retries. */
export class JetStreamPublishError extends EsError {
  readonly code = 'JETSTREAM_PUBLISH';
}

/**
 * A `Publisher` for the outbox relay. Each event goes out as JSON with `Nats-Msg-Id` = event id,
 * so a redelivery inside the stream's duplicate window is dropped by the server, and the call
 * resolves only once the stream has stored it (its PubAck).
 */
export function createJetStreamPublisher<TEvents extends AnyEventDefinition>(
  options: JetStreamPublisherOptions<TEvents>,
): Publisher<TEvents> {
  const js = jetstream(options.connection);
  return createBrokerPublisher({
    address: options.subject ?? defaultSubject,
    failure: JetStreamPublishError,
    async send({ event, address, body, streamKey, position }) {
      const headers = natsHeaders();
      const values = { ...eventHeaders(event, streamKey, position), ...options.headers?.(event) };
      for (const [key, value] of Object.entries(values)) headers.set(key, value);
      await js.publish(address, body, {
        msgID: event.id,
        headers,
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      });
    },
    // Without a stream on the subject nobody answers, and the client reports that as
    // "jetstream is not enabled"; say what usually happened instead.
    reason: (error) =>
      (error as Error).name === 'JetStreamNotEnabled'
        ? 'no JetStream stream captures this subject (or JetStream is not enabled)'
        : (error as Error).message,
  });
}

/** `es.<tenant>.<category>.<type>`, each part escaped by `subjectToken`. */
export function defaultSubject(event: RecordedEvent): string {
  return brokerAddress(event, 'es');
}

/**
 * Makes a value one NATS subject token. Tenants, categories and event types may contain `.`, which
 * would split the token, so everything but `[A-Za-z0-9_:-]` becomes `%XX` (UTF-8 bytes). `%` is
 * escaped too, so distinct values never share a subject; build filter subjects with it as well.
 */
export function subjectToken(value: string): string {
  return brokerWord(value);
}

/** Lets consumers route and filter without parsing the body. */
function eventHeaders(event: RecordedEvent, streamKey: string, position: string): Record<string, string> {
  return {
    'Es-Type': event.type,
    'Es-Stream': streamKey,
    'Es-Version': String(event.version),
    'Es-Position': position,
  };
}

/**
 * Reads back what the publisher sent (a `JsMsg`, `Msg` or `StoredMsg`), reviving dates and
 * bigints. The types are the caller's claim: nothing is validated beyond the event's envelope.
 */
export function decodeEvent<TEvents extends AnyEventDefinition>(message: {
  readonly data: Uint8Array;
}): RecordedEventOf<TEvents> {
  return decodeRecordedEvent<TEvents>(message.data);
}
