// The projection the partition tests run, in the test's process and in `partitionProcess`: each
// batch writes one host row (named after its first event) and appends ONE `BatchHandled` to
// `handled-<partition>`, in the batch's transaction, so that what the streams list is exactly what
// committed, in order, and the host rows are exactly the batches that committed. One host row per
// batch rather than per event keeps 50,000 events to a few hundred ORM writes.
import { type EventStore, type ProjectionContext, partitionOf, type RecordedEvent } from '@es/core';
import { BatchHandled, type PartitionEventDefinition } from './fixtures.js';
import type { ConformanceTarget } from './target.js';

/** The category the partitioned consumer handles; `handled` (its own output) is left out. */
export const PARTITIONED_CATEGORY = 'account';

const handledStream = (partition: number) => ({ category: 'handled', id: `handled-${partition}` });

/** One event handled, as listed in a `BatchHandled`. */
export interface HandledPair {
  readonly stream: string;
  readonly version: number;
}

/** The consumer options of the projection over `partitions` partitions (`categories` and `handle`). */
export function handledProjection<THandle>(target: ConformanceTarget<THandle>, partitions: number) {
  return {
    categories: [PARTITIONED_CATEGORY],
    async handle(
      events: readonly RecordedEvent[],
      context: ProjectionContext<PartitionEventDefinition, THandle>,
    ): Promise<void> {
      const first = events[0];
      if (!first) return;
      await target.writeHostRow(context.transaction, batchRowId({ stream: first.stream.id, version: first.version }));
      await context.store.append(
        handledStream(partitionOf(first.stream, partitions)),
        BatchHandled.create({ events: events.map((event) => ({ stream: event.stream.id, version: event.version })) }),
        { expectedVersion: 'any' },
      );
    },
  };
}

/** The host row of the batch whose first event is `first`. */
const batchRowId = (first: HandledPair) => `${first.stream}@${first.version}`;

/** The host row each committed batch wrote (named after its first event), every partition's. */
export async function handledBatchRowIds<THandle>(
  store: EventStore<PartitionEventDefinition, THandle>,
  partitions: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    for (const batch of await store.readStream(handledStream(partition))) {
      const first = batch.type === 'BatchHandled' ? batch.data.events[0] : undefined;
      if (first) ids.push(batchRowId(first));
    }
  }
  return ids;
}

/** Each partition's handled events, in the order their batches committed. */
export async function handledSequences<THandle>(
  store: EventStore<PartitionEventDefinition, THandle>,
  partitions: number,
): Promise<HandledPair[][]> {
  const sequences: HandledPair[][] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const batches = await store.readStream(handledStream(partition));
    sequences.push(batches.flatMap((batch) => (batch.type === 'BatchHandled' ? batch.data.events : [])));
  }
  return sequences;
}

/** What went wrong in the handled sequences, a few examples of each: all empty when every event of
 * `expected` was handled exactly once, by its own partition, in its stream's version order. */
export interface HandledReport {
  readonly handled: number;
  readonly duplicated: string[];
  readonly missing: string[];
  readonly unexpected: string[];
  readonly outOfOrder: string[];
  readonly misplaced: string[];
}

/** The report of `handled` events each handled once, in its own partition, in stream order. */
export const cleanReport = (handled: number): HandledReport => ({
  handled,
  duplicated: [],
  missing: [],
  unexpected: [],
  outOfOrder: [],
  misplaced: [],
});

const EXAMPLES = 5;
const pairKey = (pair: HandledPair) => `${pair.stream}@${pair.version}`;

/** Checks `sequences` against the (stream id, version) pairs appended to `PARTITIONED_CATEGORY` in `tenant`. */
export function handledReport(
  sequences: readonly HandledPair[][],
  expected: readonly HandledPair[],
  tenant: string,
): HandledReport {
  const report = { handled: 0, duplicated: [], missing: [], unexpected: [], outOfOrder: [], misplaced: [] } as {
    handled: number;
  } & Record<Exclude<keyof HandledReport, 'handled'>, string[]>;
  const note = (list: string[], example: string) => {
    if (list.length < EXAMPLES) list.push(example);
  };
  const wanted = new Set(expected.map(pairKey));
  const seen = new Set<string>();
  sequences.forEach((sequence, partition) => {
    const lastVersion = new Map<string, number>();
    for (const pair of sequence) {
      const key = pairKey(pair);
      report.handled++;
      if (seen.has(key)) note(report.duplicated, key);
      seen.add(key);
      if (!wanted.has(key)) note(report.unexpected, key);
      const stream = { tenant, category: PARTITIONED_CATEGORY, id: pair.stream };
      if (partitionOf(stream, sequences.length) !== partition) note(report.misplaced, `${key} in ${partition}`);
      const last = lastVersion.get(pair.stream) ?? 0;
      if (pair.version !== last + 1) note(report.outOfOrder, `${key} after version ${last}`);
      lastVersion.set(pair.stream, pair.version);
    }
  });
  for (const key of wanted) if (!seen.has(key)) note(report.missing, key);
  return report;
}
