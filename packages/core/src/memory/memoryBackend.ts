import type {
  AppendOutcome,
  AppendRequest,
  BackendSession,
  ConsumerCheckpoint,
  ConsumerKey,
  EventStoreBackend,
  LogFilter,
  LogPage,
  LogPosition,
  ReadLogQuery,
  ReadStreamQuery,
  SessionOptions,
  SnapshotToStore,
  StoredEvent,
  StoredSnapshot,
} from '../backend/index.js';
import { assertExpectedVersion, compareLogPositions, LOG_START } from '../backend/index.js';
import { DuplicateEventIdError, StoreError, TransactionNotOpenError } from '../errors/index.js';
import { formatStreamKey, type StreamKey } from '../streams/index.js';
import { Mutex } from '../util/mutex.js';

/**
 * The whole backend contract in memory, transactions included: a transaction stages its writes
 * and applies them on commit, so a rolled-back one leaves nothing behind. Writers are serialized
 * (one transaction at a time), like SQLite. Meant for tests and the demo, not for production.
 */
export interface MemoryBackend extends EventStoreBackend<MemoryTransaction> {
  /** Opens a host-owned transaction: pass it as the handle, then `commit()` or `rollback()`. */
  begin(): Promise<MemoryTransaction>;
  /** Runs `work` in a host-owned transaction, committed when it resolves, rolled back when it throws. */
  runTransaction<T>(work: (transaction: MemoryTransaction) => Promise<T>): Promise<T>;
  /** Row counts, for tests that check nothing was written. */
  counts(): { events: number; streams: number; snapshots: number; outbox: number };
}

const checkpointKey = ({ tenant, name }: ConsumerKey) => `${tenant}/${name}`;
/** An outbox row in a relay's scope: its tenant's, or any when the relay works on every tenant. */
const inScope = (row: { tenant: string }, tenant: string | undefined) => tenant === undefined || row.tenant === tenant;

interface StoredCheckpoint {
  position: LogPosition;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  stored: boolean;
}

interface ParkedRow {
  position: bigint;
  error: string;
  attempts: number;
  parkedAt: Date;
  halted: boolean;
}

interface OutboxRow {
  id: bigint;
  position: bigint;
  streamId: string;
  tenant: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  status: 'pending' | 'dead';
  claimedBy: string | null;
}

interface State {
  outbox: OutboxRow[];
  nextOutboxId: bigint;
  checkpoints: Map<string, StoredCheckpoint>;
  /** By checkpoint key, in log order. */
  parked: Map<string, ParkedRow[]>;
  events: StoredEvent[];
  streams: Map<string, { key: StreamKey; events: StoredEvent[] }>;
  snapshots: Map<string, StoredSnapshot>;
  eventIds: Set<string>;
  nextPosition: bigint;
}

/** A copy that shares no mutable part with `state`: a transaction's staging, or a savepoint. */
function copyState(state: State): State {
  return {
    events: state.events.slice(),
    streams: new Map([...state.streams].map(([k, v]) => [k, { key: v.key, events: v.events.slice() }])),
    snapshots: new Map(state.snapshots),
    checkpoints: new Map([...state.checkpoints].map(([k, v]) => [k, { ...v }])),
    parked: new Map([...state.parked].map(([k, rows]) => [k, rows.map((row) => ({ ...row }))])),
    outbox: state.outbox.map((row) => ({ ...row })),
    nextOutboxId: state.nextOutboxId,
    eventIds: new Set(state.eventIds),
    nextPosition: state.nextPosition,
  };
}

export class MemoryTransaction {
  private done = false;
  private readonly onCommit: Array<() => void> = [];
  readonly staged: State;

  constructor(
    private readonly committed: { state: State },
    private readonly release: () => void,
  ) {
    this.staged = copyState(committed.state);
  }

  get isOpen(): boolean {
    return !this.done;
  }

  /** Runs `callback` once this transaction commits (host-side effects in tests and examples). */
  afterCommit(callback: () => void): void {
    this.onCommit.push(callback);
  }

  /** Marks the staged state and after-commit callbacks as they are now; the function returned
   * goes back to that mark. */
  savepoint(): () => void {
    const saved = copyState(this.staged);
    const callbacks = this.onCommit.length;
    return () => {
      Object.assign(this.staged, saved);
      this.onCommit.length = callbacks;
    };
  }

  async commit(): Promise<void> {
    this.finish();
    this.committed.state = this.staged;
    for (const callback of this.onCommit) callback();
  }

  async rollback(): Promise<void> {
    this.finish();
  }

  assertOpen(): void {
    if (this.done) throw new TransactionNotOpenError('the memory transaction has already committed or rolled back');
  }

  private finish(): void {
    this.assertOpen();
    this.done = true;
    this.release();
  }
}

export interface MemoryBackendOptions {
  /** The one clock every user of this backend is judged by (leases, checkpoint times), as a
   * database's clock is for a SQL backend (default: the system clock). */
  readonly clock?: () => Date;
}

export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const clock = options.clock ?? (() => new Date());
  const committed: { state: State } = {
    state: {
      events: [],
      streams: new Map(),
      snapshots: new Map(),
      checkpoints: new Map(),
      parked: new Map(),
      outbox: [],
      nextOutboxId: 1n,
      eventIds: new Set(),
      nextPosition: 1n,
    },
  };
  const writers = new Mutex();

  const begin = async (): Promise<MemoryTransaction> => new MemoryTransaction(committed, await writers.acquire());

  const runTransaction = async <T>(work: (transaction: MemoryTransaction) => Promise<T>): Promise<T> => {
    const transaction = await begin();
    try {
      const result = await work(transaction);
      await transaction.commit();
      return result;
    } catch (error) {
      if (transaction.isOpen) await transaction.rollback();
      throw error;
    }
  };

  return {
    name: 'memory',
    dialect: 'memory',
    capabilities: { concurrentAppends: false, concurrentReads: false },
    begin,
    runTransaction,
    async transaction<T>(
      work: (session: BackendSession<MemoryTransaction>) => Promise<T>,
      options?: SessionOptions<MemoryTransaction>,
    ) {
      if (options?.handle) {
        options.handle.assertOpen();
        return work(memorySession(options.handle.staged, clock, options.handle, true));
      }
      return runTransaction((transaction) => work(memorySession(transaction.staged, clock, transaction)));
    },
    async read<T>(
      work: (session: BackendSession<MemoryTransaction>) => Promise<T>,
      options?: SessionOptions<MemoryTransaction>,
    ) {
      // Outside a transaction, reads see committed state only.
      const handle = options?.handle;
      handle?.assertOpen();
      return work(memorySession(handle ? handle.staged : committed.state, clock, handle));
    },
    counts() {
      const { state } = committed;
      return {
        events: state.events.length,
        streams: state.streams.size,
        snapshots: state.snapshots.size,
        outbox: state.outbox.length,
      };
    },
  };
}

/** `joined`: inside the host's transaction, where a failed append must undo only itself. */
function memorySession(
  state: State,
  clock: () => Date,
  handle: MemoryTransaction | undefined,
  joined = false,
): BackendSession<MemoryTransaction> {
  const writable = () => {
    if (!handle) throw new StoreError('Write outside a transaction');
  };
  const matches = (event: StoredEvent, filter: LogFilter) =>
    (filter.tenant === undefined || event.stream.tenant === filter.tenant) &&
    (!filter.categories || filter.categories.includes(event.stream.category)) &&
    (!filter.types || filter.types.includes(event.type));
  const toCheckpoint = (stored: StoredCheckpoint): ConsumerCheckpoint => ({
    position: stored.position,
    leaseOwner: stored.leaseOwner,
    leaseExpiresAt: stored.leaseExpiresAt,
    isNew: !stored.stored,
  });
  return {
    handle,
    async append(request, within) {
      // Our own transaction rolls back whole when a projection throws; the host's gets a savepoint,
      // so one that catches the error stays usable without this append and its projections' writes.
      const rollbackToSavepoint = within && joined ? handle?.savepoint() : undefined;
      const outcome = await appendEvents(request);
      try {
        if (within) await within(outcome);
      } catch (error) {
        rollbackToSavepoint?.();
        throw error;
      }
      return outcome;
    },
    readStream,
    streamVersion,
    deleteStream,
    readLog,
    saveSnapshot,
    loadSnapshot,
    logHead,
    // One writer at a time: the last committed event is the head.
    logEnd: logHead,
    async countLog(after, filter) {
      return state.events.filter((event) => event.position > after.position && matches(event, filter)).length;
    },
    async claimConsumer(consumer, owner, leaseMs) {
      writable();
      const key = checkpointKey(consumer);
      const stored = state.checkpoints.get(key) ?? {
        position: LOG_START,
        leaseOwner: null,
        leaseExpiresAt: null,
        stored: false,
      };
      state.checkpoints.set(key, stored);
      const now = clock();
      if (stored.leaseOwner && stored.leaseOwner !== owner && stored.leaseExpiresAt && stored.leaseExpiresAt > now) {
        return undefined;
      }
      stored.leaseOwner = owner;
      stored.leaseExpiresAt = new Date(now.getTime() + leaseMs);
      return toCheckpoint(stored);
    },
    async storeCheckpoint(consumer, owner, from, to) {
      writable();
      const stored = state.checkpoints.get(checkpointKey(consumer));
      if (stored?.leaseOwner !== owner || compareLogPositions(stored.position, from) !== 0) return false;
      stored.position = to;
      stored.stored = true;
      return true;
    },
    async releaseConsumer(consumer, owner) {
      writable();
      const stored = state.checkpoints.get(checkpointKey(consumer));
      if (stored?.leaseOwner === owner) {
        stored.leaseOwner = null;
        stored.leaseExpiresAt = null;
      }
    },
    async readCheckpoint(consumer) {
      const stored = state.checkpoints.get(checkpointKey(consumer));
      return stored && toCheckpoint({ ...stored });
    },
    async parkEvent(consumer, parked) {
      writable();
      const key = checkpointKey(consumer);
      const rows = (state.parked.get(key) ?? []).filter((row) => row.position !== parked.position);
      rows.push({ ...parked, parkedAt: clock() });
      rows.sort((a, b) => (a.position < b.position ? -1 : 1));
      state.parked.set(key, rows);
    },
    async listParked(consumer, limit, halted) {
      return (state.parked.get(checkpointKey(consumer)) ?? [])
        .filter((row) => halted === undefined || row.halted === halted)
        .slice(0, limit)
        .map((row) => ({
          event: eventAt(row.position),
          error: row.error,
          attempts: row.attempts,
          parkedAt: row.parkedAt,
          halted: row.halted,
        }));
    },
    async removeParked(consumer, positions) {
      writable();
      const key = checkpointKey(consumer);
      const rows = state.parked.get(key) ?? [];
      const kept = positions ? rows.filter((row) => !positions.includes(row.position)) : [];
      state.parked.set(key, kept);
      return rows.length - kept.length;
    },
    async now() {
      return clock();
    },
    async oldestOpenTransaction() {
      return undefined;
    },
    async claimOutbox(owner, now, leaseUntil, limit, tenant) {
      writable();
      const claimedStreams = new Set<string>();
      const seenStreams = new Set<string>();
      const claimed: OutboxRow[] = [];
      for (const row of state.outbox) {
        if (claimed.length >= limit) break;
        if (!inScope(row, tenant)) continue;
        const first = !seenStreams.has(row.streamId);
        seenStreams.add(row.streamId);
        const due = row.status === 'pending' && (row.attempts === 0 || row.nextAttemptAt <= now);
        if ((first && due) || (claimedStreams.has(row.streamId) && row.status === 'pending')) {
          claimedStreams.add(row.streamId);
          row.claimedBy = owner;
          row.nextAttemptAt = leaseUntil;
          row.attempts += 1;
          claimed.push(row);
        }
      }
      return claimed.map((row) => ({ id: row.id, attempts: row.attempts, event: eventAt(row.position) }));
    },
    async completeOutbox(owner, ids) {
      writable();
      const done = new Set(ids);
      state.outbox = state.outbox.filter((row) => !(done.has(row.id) && row.claimedBy === owner));
    },
    async failOutbox(owner, id, error, retryAt) {
      writable();
      const row = state.outbox.find((candidate) => candidate.id === id && candidate.claimedBy === owner);
      if (!row) return;
      row.claimedBy = null;
      row.lastError = error;
      if (retryAt) row.nextAttemptAt = retryAt;
      else row.status = 'dead';
    },
    async releaseOutbox(owner, ids, now) {
      writable();
      const released = new Set(ids);
      for (const row of state.outbox) {
        if (released.has(row.id) && row.claimedBy === owner) {
          row.claimedBy = null;
          row.nextAttemptAt = now;
          row.attempts -= 1;
        }
      }
    },
    async listDeadOutbox(limit, tenant) {
      return state.outbox
        .filter((row) => row.status === 'dead' && inScope(row, tenant))
        .slice(0, limit)
        .map((row) => ({ id: row.id, attempts: row.attempts, lastError: row.lastError, event: eventAt(row.position) }));
    },
    async reviveDeadOutbox(ids, now, tenant) {
      writable();
      const wanted = ids && new Set(ids);
      let revived = 0;
      for (const row of state.outbox) {
        if (row.status !== 'dead' || !inScope(row, tenant) || (wanted && !wanted.has(row.id))) continue;
        Object.assign(row, { status: 'pending', attempts: 0, nextAttemptAt: now, claimedBy: null });
        revived++;
      }
      return revived;
    },
    async purgeDeadOutbox(ids, tenant) {
      writable();
      const wanted = ids && new Set(ids);
      const before = state.outbox.length;
      state.outbox = state.outbox.filter(
        (row) => !(row.status === 'dead' && inScope(row, tenant) && (!wanted || wanted.has(row.id))),
      );
      return before - state.outbox.length;
    },
    async countOutbox(tenant) {
      const rows = state.outbox.filter((row) => inScope(row, tenant));
      return {
        pending: rows.filter((row) => row.status === 'pending').length,
        dead: rows.filter((row) => row.status === 'dead').length,
      };
    },
  };

  function eventAt(position: bigint): StoredEvent {
    const event = state.events.find((candidate) => candidate.position === position);
    if (!event) throw new StoreError(`Outbox row points at a missing event (position ${position})`);
    return cloneEvents([event])[0] as StoredEvent;
  }

  async function appendEvents(request: AppendRequest): Promise<AppendOutcome> {
    writable();
    const id = formatStreamKey(request.stream);
    const existing = state.streams.get(id);
    const current = existing?.events.at(-1)?.version ?? 0;
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
        });
      }
      entry.events.push(stored);
      state.events.push(stored);
      state.eventIds.add(event.eventId);
    });
    state.streams.set(id, entry);
    return { version: current + request.events.length, positions, transactionId: 0n };
  }

  async function readStream(query: ReadStreamQuery): Promise<StoredEvent[]> {
    const events = state.streams.get(formatStreamKey(query.stream))?.events ?? [];
    const from = query.fromVersion ?? 1;
    const to = query.toVersion ?? Number.MAX_SAFE_INTEGER;
    let selected = events.filter((event) => event.version >= from && event.version <= to);
    if (query.direction === 'backwards') selected = selected.reverse();
    return cloneEvents(query.limit === undefined ? selected : selected.slice(0, query.limit));
  }

  async function streamVersion(stream: StreamKey): Promise<number> {
    return state.streams.get(formatStreamKey(stream))?.events.at(-1)?.version ?? 0;
  }

  async function deleteStream(stream: StreamKey): Promise<boolean> {
    writable();
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
  }

  async function logHead(): Promise<LogPosition> {
    return { transactionId: 0n, position: state.events.at(-1)?.position ?? 0n };
  }

  async function readLog(query: ReadLogQuery): Promise<LogPage> {
    const events: StoredEvent[] = [];
    let scanned = query.after.position;
    for (const event of state.events) {
      if (event.position <= query.after.position) continue;
      scanned = event.position;
      if (!matches(event, query.filter)) continue;
      events.push(event);
      if (events.length >= query.limit) break;
    }
    return { events: cloneEvents(events), next: { transactionId: 0n, position: scanned } };
  }

  async function saveSnapshot(snapshot: SnapshotToStore): Promise<void> {
    writable();
    const id = formatStreamKey(snapshot.stream);
    const stored = state.snapshots.get(id);
    if (stored && stored.version > snapshot.version) return;
    state.snapshots.set(id, { ...snapshot });
  }

  async function loadSnapshot(stream: StreamKey): Promise<StoredSnapshot | undefined> {
    const snapshot = state.snapshots.get(formatStreamKey(stream));
    return snapshot && cloneSnapshot(snapshot);
  }
}

// Data is JSON text, which nothing can change; a Date handed out is copied so that a caller's
// setTime leaves the stored one untouched.
function cloneEvents(events: readonly StoredEvent[]): StoredEvent[] {
  return events.map((event) => ({ ...event, recordedAt: new Date(event.recordedAt.getTime()) }));
}

function cloneSnapshot(snapshot: StoredSnapshot): StoredSnapshot {
  return { ...snapshot, takenAt: new Date(snapshot.takenAt.getTime()) };
}
