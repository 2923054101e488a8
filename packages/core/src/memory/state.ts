/**
 * The memory backend's tables and its transactions: a transaction stages its writes on a copy of
 * the committed state and puts the copy in its place on commit, so a rolled-back one leaves
 * nothing behind.
 */
import type { DataKeyRow, LogPosition, StoredEvent, StoredSnapshot } from '../backend/index.js';
import { StoreError, TransactionNotOpenError } from '../errors/index.js';
import type { StreamKey } from '../streams/index.js';

export interface StoredCheckpoint {
  position: LogPosition;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  stored: boolean;
}

export interface ParkedRow {
  position: bigint;
  error: string;
  attempts: number;
  parkedAt: Date;
  halted: boolean;
}

export interface OutboxRow {
  id: bigint;
  position: bigint;
  streamId: string;
  tenant: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  status: 'pending' | 'dead';
  claimedBy: string | null;
  /** When the append wrote it. */
  createdAt: Date;
}

export interface State {
  outbox: OutboxRow[];
  nextOutboxId: bigint;
  checkpoints: Map<string, StoredCheckpoint>;
  /** By checkpoint key, in log order. */
  parked: Map<string, ParkedRow[]>;
  events: StoredEvent[];
  streams: Map<string, { key: StreamKey; events: StoredEvent[] }>;
  snapshots: Map<string, StoredSnapshot>;
  /** Data keys of personal data, in insertion order. */
  dataKeys: DataKeyRow[];
  eventIds: Set<string>;
  nextPosition: bigint;
}

export function emptyState(): State {
  return {
    events: [],
    streams: new Map(),
    snapshots: new Map(),
    dataKeys: [],
    checkpoints: new Map(),
    parked: new Map(),
    outbox: [],
    nextOutboxId: 1n,
    eventIds: new Set(),
    nextPosition: 1n,
  };
}

/** A copy that shares no mutable part with `state`: a transaction's staging, or a savepoint. */
function copyState(state: State): State {
  return {
    events: state.events.slice(),
    streams: new Map([...state.streams].map(([k, v]) => [k, { key: v.key, events: v.events.slice() }])),
    snapshots: new Map(state.snapshots),
    dataKeys: state.dataKeys.slice(),
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

/**
 * What each part of a memory session works on. Every part reads and writes the same `state`
 * object (a transaction's staging, or the committed state for a read outside one), and replaces
 * its tables as properties of it, never keeps one of them aside: a savepoint's rollback swaps
 * them back in place.
 */
export interface MemoryScope {
  readonly state: State;
  /** The one clock every user of the backend is judged by. */
  readonly clock: () => Date;
  readonly handle: MemoryTransaction | undefined;
  /** Inside the host's transaction, where a failed append must undo only itself. */
  readonly joined: boolean;
}

export function assertWritable(scope: MemoryScope): void {
  if (!scope.handle) throw new StoreError('Write outside a transaction');
}

/** The event at a log position, copied (for the outbox and parked rows that point at it). */
export function eventAt(state: State, position: bigint): StoredEvent {
  const event = state.events.find((candidate) => candidate.position === position);
  if (!event) throw new StoreError(`Outbox row points at a missing event (position ${position})`);
  return cloneEvents([event])[0] as StoredEvent;
}

// Data is JSON text, which nothing can change; a Date handed out is copied so that a caller's
// setTime leaves the stored one untouched.
export function cloneEvents(events: readonly StoredEvent[]): StoredEvent[] {
  return events.map((event) => ({ ...event, recordedAt: new Date(event.recordedAt.getTime()) }));
}
