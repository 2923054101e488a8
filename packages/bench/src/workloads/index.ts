import { aggregateSnapshot } from './aggregateSnapshot.ts';
import { appendBatch } from './appendBatch.ts';
import { appendConcurrent } from './appendConcurrent.ts';
import { appendSingle } from './appendSingle.ts';
import { catchUp } from './catchUp.ts';
import { outboxDrain } from './outboxDrain.ts';
import { readStream } from './readStream.ts';
import type { Workload } from './workload.ts';

/** The workloads, in its order. */
export const workloads: readonly Workload[] = [
  appendSingle,
  appendConcurrent,
  appendBatch,
  readStream,
  aggregateSnapshot,
  catchUp,
  outboxDrain,
];

export type { Workload } from './workload.ts';
