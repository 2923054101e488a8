import type { EsError } from '../errors/index.js';
import type { AnyEventDefinition } from '../events/defineEvent.js';
import type { Publisher } from '../outbox/relay.js';
import type { RecordedEventOf } from '../store/recordedEvent.js';
import { formatStreamKey } from '../streams/stream.js';
import { encodeRecordedEvent } from './encoding.js';

/**
 * One event as `createBrokerPublisher` hands it to a broker: where it goes, its body, and what a
 * message carries beside the body so that consumers route and filter without parsing it.
 */
export interface BrokerMessage<TEvents extends AnyEventDefinition> {
  readonly event: RecordedEventOf<TEvents>;
  /** The subject or routing key that the publisher's `address` chose. */
  readonly address: string;
  /** `encodeRecordedEvent(event)`. */
  readonly body: string;
  /** `<tenant>/<category>/<id>`. */
  readonly streamKey: string;
  /** The global position as text: brokers' integers stop at 64 bits and JavaScript numbers lose precision past 2^53. */
  readonly position: string;
}

/** What a broker package tells `createBrokerPublisher` about its broker. */
export interface BrokerDelivery<TEvents extends AnyEventDefinition> {
  /** Where an event goes: the user's choice, or a default built with `brokerAddress`. */
  address(event: RecordedEventOf<TEvents>): string;
  /**
   * Hands one message to the broker and resolves only once the broker has stored it (its ack or
   * publisher confirm): resolving earlier would let the relay delete a row whose event may be lost.
   */
  send(message: BrokerMessage<TEvents>): Promise<void>;
  /** The package's own error for a failed send, thrown with the send's error as `cause`. */
  readonly failure: new (
    message: string,
    options: ErrorOptions,
  ) => EsError;
  /** How a failure's message names the destination (default `'<address>'`). */
  readonly destination?: (address: string) => string;
  /** What a failure's message says of the send's error (default: its message). */
  readonly reason?: (error: unknown) => string;
}

/**
 * The `Publisher` of a broker package: encodes each event, hands it to the broker's `send`, and turns
 * a failed send into the package's own error naming the event and its destination, so that the relay
 * keeps the row and retries it.
 */
export function createBrokerPublisher<TEvents extends AnyEventDefinition>(
  delivery: BrokerDelivery<TEvents>,
): Publisher<TEvents> {
  const { failure, destination = (address) => `'${address}'`, reason = messageOf } = delivery;
  return async (event) => {
    const address = delivery.address(event);
    const message: BrokerMessage<TEvents> = {
      event,
      address,
      body: encodeRecordedEvent(event),
      streamKey: formatStreamKey(event.stream),
      position: String(event.position),
    };
    try {
      await delivery.send(message);
    } catch (error) {
      throw new failure(`Cannot publish event ${event.id} to ${destination(address)}: ${reason(error)}`, {
        cause: error,
      });
    }
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
