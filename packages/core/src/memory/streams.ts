import {
  type AppendOutcome,
  type AppendRequest,
  assertExpectedVersion,
  type CategorySummary,
  type StoredEvent,
  type StreamSession,
} from '../backend/index.js';
import { DuplicateEventIdError } from '../errors/index.js';
import { formatStreamKey, type StreamKey } from '../streams/index.js';
import { assertWritable, cloneEvents, type MemoryScope } from './state.js';
import { checkCondition } from './tags.js';

/** Appending and reading streams; an appended event gets its outbox row here, as in SQL. */
export function memoryStreams(scope: MemoryScope): StreamSession {
  const { handle, joined } = scope;
  return {
    async append(request, within) {
      // Our own transaction rolls back whole when a projection throws; the host's gets a savepoint,
      // so one that catches the error stays usable without this append and its projections' writes.
      const rollbackToSavepoint = within && joined ? handle?.savepoint() : undefined;
      const outcome = await appendEvents(scope, request);
      try {
        if (within) await within(outcome);
      } catch (error) {
        rollbackToSavepoint?.();
        throw error;
      }
      return outcome;
    },

    async readStream(query) {
      const events = scope.state.streams.get(formatStreamKey(query.stream))?.events ?? [];
      const from = query.fromVersion ?? 1;
      const to = query.toVersion ?? Number.MAX_SAFE_INTEGER;
      let selected = events.filter((event) => event.version >= from && event.version <= to);
      if (query.direction === 'backwards') selected = selected.reverse();
      return cloneEvents(query.limit === undefined ? selected : selected.slice(0, query.limit));
    },

    async streamVersion(stream) {
      return scope.state.streams.get(formatStreamKey(stream))?.events.at(-1)?.version ?? 0;
    },

    async listStreams({ tenant, category, after, idPrefix, limit }) {
      const summaries = streamsInOrder(scope)
        .filter(
          (entry) =>
            (tenant === undefined || entry.key.tenant === tenant) &&
            (category === undefined || entry.key.category === category) &&
            (idPrefix === undefined || entry.key.id.startsWith(idPrefix)),
        )
        .filter((entry) => !after || compareKeys(streamKeyParts(entry.key), streamKeyParts(after)) > 0)
        .slice(0, limit);
      return summaries.map((entry) => {
        const last = entry.events.at(-1) as StoredEvent;
        return { stream: { ...entry.key }, version: last.version, updatedAt: new Date(last.recordedAt.getTime()) };
      });
    },

    async listCategories({ tenant, after, limit, countUpTo }) {
      const counts = new Map<string, CategorySummary>();
      for (const { key } of streamsInOrder(scope)) {
        if (tenant !== undefined && key.tenant !== tenant) continue;
        if (after && compareKeys([key.tenant, key.category], [after.tenant, after.category]) <= 0) continue;
        const id = JSON.stringify([key.tenant, key.category]);
        const found = counts.get(id) ?? { tenant: key.tenant, category: key.category, streams: 0 };
        counts.set(id, { ...found, streams: Math.min(countUpTo, found.streams + 1) });
      }
      return [...counts.values()].slice(0, limit);
    },

    async readEvent(eventId) {
      const event = scope.state.events.find((candidate) => candidate.eventId === eventId);
      return event && cloneEvents([event])[0];
    },

    async deleteStream(stream) {
      assertWritable(scope);
      const { state } = scope;
      const id = formatStreamKey(stream);
      const entry = state.streams.get(id);
      state.snapshots.delete(id);
      state.outbox = state.outbox.filter((row) => row.streamId !== id);
      if (!entry) return false;
      state.streams.delete(id);
      const removed = new Set(entry.events);
      state.events = state.events.filter((event) => !removed.has(event));
      for (const event of entry.events) state.eventIds.delete(event.eventId);
      return true;
    },
  };
}

const streamKeyParts = (stream: StreamKey) => [stream.tenant, stream.category, stream.id] as const;

/** Streams that have events, in (tenant, category, id) order. */
function streamsInOrder(scope: MemoryScope) {
  return [...scope.state.streams.values()]
    .filter((entry) => entry.events.length > 0)
    .sort((a, b) => compareKeys(streamKeyParts(a.key), streamKeyParts(b.key)));
}

/** Names in code-unit order, part by part. */
function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as string, b[i] as string];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export async function appendEvents(scope: MemoryScope, request: AppendRequest): Promise<AppendOutcome> {
  assertWritable(scope);
  const { state } = scope;
  const id = formatStreamKey(request.stream);
  const existing = state.streams.get(id);
  const current = existing?.events.at(-1)?.version ?? 0;
  // The condition first, as every backend reports it when both fail.
  if (request.condition) checkCondition(state, request.condition);
  assertExpectedVersion(request.stream, request.expectedVersion, current);
  const duplicates = request.events.filter((event) => state.eventIds.has(event.eventId)).map((e) => e.eventId);
  if (duplicates.length > 0) throw new DuplicateEventIdError(duplicates);

  const entry = existing ?? { key: request.stream, events: [] };
  const positions: bigint[] = [];
  request.events.forEach((event, index) => {
    const stored: StoredEvent = {
      position: state.nextPosition++,
      transactionId: 0n,
      eventId: event.eventId,
      stream: request.stream,
      version: current + index + 1,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      recordedAt: request.recordedAt,
      tags: event.tags,
    };
    positions.push(stored.position);
    if (event.outbox) {
      state.outbox.push({
        id: state.nextOutboxId++,
        position: stored.position,
        streamId: id,
        tenant: request.stream.tenant,
        attempts: 0,
        nextAttemptAt: request.recordedAt,
        lastError: null,
        status: 'pending',
        claimedBy: null,
        createdAt: request.recordedAt,
      });
    }
    entry.events.push(stored);
    state.events.push(stored);
    state.eventIds.add(event.eventId);
  });
  state.streams.set(id, entry);
  return { version: current + request.events.length, positions, transactionId: 0n };
}
