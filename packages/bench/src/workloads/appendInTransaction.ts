import { singleEventAppends } from './appendSingle.ts';

/**
 * (1b) The production path of (1): each single-event append inside a transaction the application
 * opened through its ORM, which the store joins and never commits (BEGIN, the append, COMMIT).
 */
export const appendInTransaction = singleEventAppends(
  'append-in-transaction',
  "single-event appends inside the application's own transaction, one writer",
  'in-transaction',
  (system) => system.appendInTransaction?.bind(system),
);

/** (1c) (1b) with the transaction found in an ambient context instead of passed as a handle. */
export const appendInAmbientTransaction = singleEventAppends(
  'append-in-ambient-transaction',
  "(1b) with no handle passed: the store finds the application's transaction in an ambient context",
  'in-ambient-transaction',
  (system) => system.appendInAmbientTransaction?.bind(system),
);
