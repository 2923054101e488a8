// `@es/ui/operator`: what an operator's tools read of an application (its consumers' state, its
// outboxes), shared by the event browser and the `es` command.
export {
  type AnyConsumer,
  type AnyRelay,
  type AnyStore,
  type Application,
  type ConsumerEntry,
  consumerEntries,
} from './application.js';
export { type ConsumerReport, consumerReports, type HeldBack, type PartitionReport } from './consumers.js';
export { operatorRelay, outboxScopes } from './outbox.js';
