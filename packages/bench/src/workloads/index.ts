import { aggregateSnapshot } from './aggregateSnapshot.ts';
import { appendBatch } from './appendBatch.ts';
import { appendConcurrent } from './appendConcurrent.ts';
import { appendConditional1, appendConditional8 } from './appendConditional.ts';
import { appendSingleOtelApi, appendSingleOtelSdk } from './appendInstrumented.ts';
import { appendInAmbientTransaction, appendInTransaction } from './appendInTransaction.ts';
import { appendSingle } from './appendSingle.ts';
import { browseStream } from './browseStream.ts';
import { catchUp } from './catchUp.ts';
import { importHistory } from './import.ts';
import { outboxDrain } from './outboxDrain.ts';
import { partitionedCatchUps } from './partitionedCatchUp.ts';
import { appendClear, appendPersonal, readClear, readPersonal, readPersonalUncached } from './personal.ts';
import { readStream } from './readStream.ts';
import { statementRoundTrip, transactionRoundTrip } from './roundTrip.ts';
import type { Workload } from './workload.ts';

/** The workloads, in its order, after the two that price the driver path itself; (1) is
 * followed by its production path, the append inside the application's transaction, and by (1)
 * with OpenTelemetry (the API alone, then the SDK recording); conditional appends (DCB, issue #26)
 * follow the concurrent ones; bulk import (issue #27) after the outbox; then the event browser's page;
 * then personal data (issue #24): encrypted appends and reads against the same event in clear;
 * last, opted into by `--workloads partitioned-catch-up`, partitioned consumers (issue #25). */
export const workloads: readonly Workload[] = [
  statementRoundTrip,
  transactionRoundTrip,
  appendSingle,
  appendInTransaction,
  appendInAmbientTransaction,
  appendSingleOtelApi,
  appendSingleOtelSdk,
  appendConcurrent,
  appendConditional1,
  appendConditional8,
  appendBatch,
  readStream,
  aggregateSnapshot,
  catchUp,
  outboxDrain,
  importHistory,
  browseStream,
  appendPersonal,
  appendClear,
  readPersonal,
  readPersonalUncached,
  readClear,
  ...partitionedCatchUps,
];

export type { Workload } from './workload.ts';
