// `@es/core/brokers`: what a package publishing the outbox to a broker builds on, so that every
// broker sends and reads back events the same way.
export { brokerAddress, brokerWord, decodeRecordedEvent, encodeRecordedEvent } from './encoding.js';
export { type BrokerDelivery, type BrokerMessage, createBrokerPublisher } from './publisher.js';
