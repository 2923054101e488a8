import type { BackendSession, EventStoreBackend, SessionOptions } from '../backend/index.js';
import { composeParts } from '../util/composeParts.js';
import { Mutex } from '../util/mutex.js';
import { memoryCheckpoints, memoryParked } from './consumers.js';
import { memoryKeys } from './keys.js';
import { memoryLog } from './log.js';
import { memoryOutbox } from './outbox.js';
import { memorySnapshots } from './snapshots.js';
import { emptyState, MemoryTransaction, type State } from './state.js';
import { memoryStreams } from './streams.js';
import { memoryTags } from './tags.js';

/**
 * The whole backend contract in memory, transactions included: a transaction stages its writes
 * and applies them on commit, so a rolled-back one leaves nothing behind. Writers are serialized
 * (one transaction at a time), like SQLite. Meant for tests and the demo, not for production.
 */
export interface MemoryBackend extends EventStoreBackend<MemoryTransaction> {
  /** Opens a host-owned transaction: pass it as the handle, then `commit()` or `rollback()`. */
  begin(): Promise<MemoryTransaction>;
  /** Runs `work` in a host-owned transaction, committed when it resolves, rolled back when it throws. */
  runInTransaction<T>(work: (transaction: MemoryTransaction) => Promise<T>): Promise<T>;
  /** Row counts, for tests that check nothing was written. */
  counts(): { events: number; streams: number; snapshots: number; outbox: number; tags: number };
}

export interface MemoryBackendOptions {
  /** The one clock every user of this backend is judged by (leases, checkpoint times), as a
   * database's clock is for a SQL backend (default: the system clock). */
  readonly clock?: () => Date;
}

export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const clock = options.clock ?? (() => new Date());
  const committed: { state: State } = { state: emptyState() };
  const writers = new Mutex();

  const begin = async (): Promise<MemoryTransaction> => new MemoryTransaction(committed, await writers.acquire());

  const runInTransaction = async <T>(work: (transaction: MemoryTransaction) => Promise<T>): Promise<T> => {
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
    runInTransaction,
    async transaction<T>(
      work: (session: BackendSession<MemoryTransaction>) => Promise<T>,
      options?: SessionOptions<MemoryTransaction>,
    ) {
      if (options?.handle) {
        options.handle.assertOpen();
        return work(memorySession(options.handle.staged, clock, options.handle, true));
      }
      return runInTransaction((transaction) => work(memorySession(transaction.staged, clock, transaction)));
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
        tags: state.events.reduce((count, event) => count + event.tags.length, 0),
      };
    },
  };
}

/** A session made of one part per capability, all on the same state. `joined`: inside the host's
 * transaction, where a failed append must undo only itself. */
function memorySession(
  state: State,
  clock: () => Date,
  handle: MemoryTransaction | undefined,
  joined = false,
): BackendSession<MemoryTransaction> {
  const scope = { state, clock, handle, joined };
  return {
    handle,
    ...composeParts(
      scope,
      memoryStreams,
      memoryLog,
      memorySnapshots,
      memoryCheckpoints,
      memoryParked,
      memoryOutbox,
      memoryTags,
      memoryKeys,
    ),
    async now() {
      return clock();
    },
  };
}
