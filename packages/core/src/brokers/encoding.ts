import { InvalidArgumentError } from '../errors/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import { deserialize, serialize } from '../serialization/index.js';
import type { RecordedEvent, RecordedEventOf } from '../store/recordedEvent.js';

/**
 * How a recorded event travels through a broker, the same for every publisher package: JSON in the
 * store's tagged format, so that dates, bigints, maps and sets come back as they went in.
 */
export function encodeRecordedEvent(event: RecordedEvent): string {
  return serialize(event, `event ${event.id}`);
}

/**
 * Reads back what a publisher sent (the text, or its UTF-8 bytes as a message body holds them),
 * reviving dates and bigints. The types are the caller's claim: nothing is validated beyond the
 * event's envelope, which an `InvalidArgumentError` refuses.
 */
export function decodeRecordedEvent<TEvents extends AnyEventDefinition>(
  body: string | Uint8Array,
): RecordedEventOf<TEvents> {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const event = deserialize(text) as Partial<RecordedEvent> | null;
  if (
    typeof event?.id !== 'string' ||
    typeof event.type !== 'string' ||
    typeof event.stream?.category !== 'string' ||
    typeof event.version !== 'number' ||
    typeof event.position !== 'bigint'
  ) {
    throw new InvalidArgumentError('The message does not hold an @es recorded event');
  }
  return event as RecordedEventOf<TEvents>;
}

/**
 * Makes a value one word of a broker's dotted name (a NATS subject token, an AMQP routing-key
 * word). Tenants, categories and event types may contain `.`, which would split the word, so
 * everything but `[A-Za-z0-9_:-]` (and so also wildcards) becomes `%XX` (UTF-8 bytes). `%` is
 * escaped too, so distinct values never share a name.
 */
export function brokerWord(value: string): string {
  return value.replace(/[^A-Za-z0-9_:-]/gu, (char) =>
    Array.from(new TextEncoder().encode(char), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(
      '',
    ),
  );
}

/**
 * An event's default name on a broker: the `leading` words (NATS subjects start with `es`), then its
 * tenant, category and type, each one `brokerWord`, joined by `.`, so that consumers can bind or
 * filter by any of them with the broker's wildcards.
 */
export function brokerAddress(event: RecordedEvent, ...leading: readonly string[]): string {
  return [...leading, event.stream.tenant, event.stream.category, event.type].map(brokerWord).join('.');
}
