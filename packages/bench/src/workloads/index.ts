import { aggregateSnapshot } from './aggregateSnapshot.ts';
import { appendBatch } from './appendBatch.ts';
import { appendConcurrent } from './appendConcurrent.ts';
import { appendInAmbientTransaction, appendInTransaction } from './appendInTransaction.ts';
import { appendSingle } from './appendSingle.ts';
import { catchUp } from './catchUp.ts';
import { outboxDrain } from './outboxDrain.ts';
import { readStream } from './readStream.ts';
import { statementRoundTrip, transactionRoundTrip } from './roundTrip.ts';
import type { Workload } from './workload.ts';

/** The workloads, in its order, after the two that price the driver path itself; (1) is
 * followed by its production path, the append inside the application's transaction. */
export const workloads: readonly Workload[] = [
  statementRoundTrip,
  transactionRoundTrip,
  appendSingle,
  appendInTransaction,
  appendInAmbientTransaction,
  appendConcurrent,
  appendBatch,
  readStream,
  aggregateSnapshot,
  catchUp,
  outboxDrain,
];

export type { Workload } from './workload.ts';
