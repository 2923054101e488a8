import {
  type AppendOutcome,
  type BackendSession,
  type EventToStore,
  type ExpectedVersion,
  type ImportBatchRequest,
  type ImportStreamRequest,
  validateExpectedVersion,
} from '../backend/index.js';
import { InvalidArgumentError } from '../errors/index.js';
import type { DomainEvent } from '../events/defineEvent.js';
import { type PreparedEvent, refuseDuplicateIds } from '../store/input.js';
import { formatStreamKey, type StreamKey, type StreamName, toStreamKey } from '../streams/index.js';

/** One stream's history to import. */
export interface ImportStream<TInput = DomainEvent> {
  /** In the store's tenant. */
  readonly stream: StreamName;
  /** Checked as an append's (default `'no_stream'`: the stream must not exist yet). */
  readonly expectedVersion?: ExpectedVersion;
  /** At least one; validated exactly as an append's. */
  readonly events: readonly TInput[];
}

/** Streams to import: a list, a generator, or an async generator reading from elsewhere. */
export type ImportSource<TInput = DomainEvent> = Iterable<ImportStream<TInput>> | AsyncIterable<ImportStream<TInput>>;

/** How far an import has come: what is written (committed, unless it joins a host transaction). */
export interface ImportProgress {
  /** Streams written so far (a stream that came twice counts twice). */
  readonly streams: number;
  /** Events written so far. */
  readonly events: number;
  /** The global position of the last event written; undefined before the first batch. */
  readonly lastPosition: bigint | undefined;
}

/** What an import wrote in all. */
export type ImportResult = ImportProgress;

/** How an import batches its writes and reports its progress. */
export interface ImportOptions {
  /**
   * Events per batch (default 5,000): each batch is one transaction (or one savepoint of the
   * host's), all or nothing. A stream's events are never split: a stream larger than this is a
   * batch of its own.
   */
  readonly batchSize?: number;
  /** Called after each batch is written. */
  readonly onProgress?: (progress: ImportProgress) => void;
}

/** Events per batch (one transaction) unless `batchSize` says otherwise. */
export const DEFAULT_IMPORT_BATCH_SIZE = 5000;

/** What the store lends an import: its tenant, its validation and its transaction. */
export interface ImportContext {
  readonly tenant: string;
  /** Validates and serializes one event, as an append does; throws before anything is written. */
  prepare(event: DomainEvent, stream: StreamKey): PreparedEvent;
  now(): Date;
  /**
   * Writes one batch in the store's transaction (its own, or the one it joins); `seal` encrypts
   * the personal values of prepared events with keys read or made in that transaction.
   */
  write(
    work: (
      session: BackendSession<unknown>,
      seal: (events: readonly PreparedEvent[]) => Promise<EventToStore[]>,
    ) => Promise<readonly AppendOutcome[]>,
  ): Promise<readonly AppendOutcome[]>;
  /** Runs the store's inline projections over a written batch, in its transaction. */
  project?(
    session: BackendSession<unknown>,
    request: ImportBatchRequest,
    outcomes: readonly AppendOutcome[],
  ): Promise<void>;
}

/**
 * Reads `source` stream by stream, validates each stream's events as it comes and writes them
 * in batches. A stream that repeats in one batch starts the next (its expected version is then
 * checked against what the earlier batch wrote). A batch that fails (a wrong expected version, an
 * id already stored) writes nothing of itself; earlier batches stay written.
 */
export async function importEvents(
  context: ImportContext,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new InvalidArgumentError('batchSize must be an integer >= 1');
  const { onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function')
    throw new InvalidArgumentError('onProgress must be a function');
  if (source === null || typeof source !== 'object' || !(Symbol.iterator in source || Symbol.asyncIterator in source)) {
    throw new InvalidArgumentError('import needs an iterable or async iterable of { stream, events }');
  }

  let progress: ImportProgress = { streams: 0, events: 0, lastPosition: undefined };
  let batch: ImportStreamRequest[] = [];
  let batchEvents = 0;
  let callerEventIds = false;
  const inBatch = new Set<string>();

  const flush = async () => {
    if (batch.length === 0) return;
    const streams = batch;
    batch = [];
    batchEvents = 0;
    inBatch.clear();
    const callerIds = callerEventIds;
    callerEventIds = false;
    const prepared = streams.flatMap((stream) => stream.events);
    refuseDuplicateIds(prepared);
    const request: ImportBatchRequest = {
      streams,
      recordedAt: context.now(),
      // Generated ids are fresh uuids: only a caller's can be stored already.
      callerEventIds: callerIds,
    };
    const sealing = prepared.some((event) => (event as PreparedEvent).seal !== undefined);
    const outcomes = await context.write(async (session, seal) => {
      const toWrite = sealing ? { ...request, streams: await sealStreams(streams, seal) } : request;
      const written = await session.importBatch(toWrite);
      await context.project?.(session, request, written);
      return written;
    });
    progress = {
      streams: progress.streams + streams.length,
      events: progress.events + prepared.length,
      lastPosition: outcomes.at(-1)?.positions.at(-1) ?? progress.lastPosition,
    };
    onProgress?.(progress);
  };

  for await (const item of source as AsyncIterable<ImportStream>) {
    const { stream, expectedVersion, events } = checkItem(item, context.tenant);
    const key = formatStreamKey(stream);
    if (inBatch.has(key) || (batch.length > 0 && batchEvents + events.length > batchSize)) await flush();
    batch.push({ stream, expectedVersion, events: events.map((event) => context.prepare(event, stream)) });
    batchEvents += events.length;
    callerEventIds ||= events.some((event) => event !== null && typeof event === 'object' && event.id !== undefined);
    inBatch.add(key);
  }
  await flush();
  return progress;
}

function checkItem(
  item: ImportStream,
  tenant: string,
): { stream: StreamKey; expectedVersion: ExpectedVersion; events: readonly DomainEvent[] } {
  if (item === null || typeof item !== 'object' || !('stream' in item) || !Array.isArray(item.events)) {
    throw new InvalidArgumentError('each imported stream is { stream, expectedVersion?, events: [...] }');
  }
  const stream = toStreamKey(item.stream, tenant);
  if (item.events.length === 0) {
    throw new InvalidArgumentError(`import of ${formatStreamKey(stream)} needs at least one event`);
  }
  return { stream, expectedVersion: validateExpectedVersion(item.expectedVersion ?? 'no_stream'), events: item.events };
}

/** The batch's streams with their personal values sealed, stream by stream (keys are per subject). */
async function sealStreams(
  streams: readonly ImportStreamRequest[],
  seal: (events: readonly PreparedEvent[]) => Promise<EventToStore[]>,
): Promise<ImportStreamRequest[]> {
  const sealed: ImportStreamRequest[] = [];
  for (const stream of streams)
    sealed.push({ ...stream, events: await seal(stream.events as readonly PreparedEvent[]) });
  return sealed;
}
