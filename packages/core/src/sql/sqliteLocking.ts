import { StoreError } from '../errors/index.js';
import { Mutex } from '../util/mutex.js';
import { classifySqlError } from './errors.js';
import { PREPARED, type SqlExecutor } from './executor.js';

/**
 * SQLite has one writer at a time, and the usual driver (better-sqlite3) is synchronous: a busy
 * timeout blocks the whole event loop, so a connection waiting for the write lock would also
 * stop the holder, in the same process, from ever finishing. So connections here run with a zero
 * busy timeout and wait asynchronously instead, at three levels:
 *
 * - per connection, `exclusive` serializes everything (a transaction and any autocommit read),
 *   so a read never runs inside another caller's open transaction;
 * - per database file and process, `writeTransaction` queues write transactions, so in-process
 *   writers wait their turn without polling;
 * - across processes, `retryWhileBusy` retries `BEGIN IMMEDIATE` with backoff. Only the BEGIN is
 *   retried: once it succeeds the transaction holds the write lock and cannot be busy later.
 */
export class SqliteGate {
  private static readonly files = new Map<string, Mutex>();
  private readonly connection = new Mutex();
  private readonly file: Mutex;

  /** `file`: the database path (connections to the same file share the writer queue). */
  constructor(
    file: string,
    private readonly timeoutMs = 30_000,
  ) {
    const shared = file !== ':memory:' && file !== '';
    let mutex = shared ? SqliteGate.files.get(file) : undefined;
    if (!mutex) {
      mutex = new Mutex();
      if (shared) SqliteGate.files.set(file, mutex);
    }
    this.file = mutex;
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const release =
      this.connection.tryAcquire() ??
      (await this.connection.acquireWithin(this.timeoutMs, () => this.timeout('this connection')));
    try {
      return await work();
    } finally {
      release();
    }
  }

  async writeTransaction<T>(work: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const release =
        this.file.tryAcquire() ??
        (await this.file.acquireWithin(this.timeoutMs, () => this.timeout('the database file')));
      try {
        return await work();
      } finally {
        release();
      }
    });
  }

  private timeout(what: string): Error {
    return new StoreError(
      `Waited ${this.timeoutMs} ms for ${what}: another transaction holds SQLite's single write lock (is an open transaction waiting on a write through another connection?)`,
    );
  }
}

export interface BusyRetryOptions {
  /** Give up after this long (default 30 s), rethrowing the busy error. */
  readonly timeoutMs?: number;
}

export async function retryWhileBusy<T>(attempt: () => Promise<T> | T, options: BusyRetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let delay = 1; ; delay = Math.min(delay * 2, 10)) {
    try {
      return await attempt();
    } catch (error) {
      if (classifySqlError(error) !== 'busy' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    }
  }
}

/**
 * `work` in a `BEGIN IMMEDIATE` transaction on `executor` (a connection's own, inside its gate's
 * `writeTransaction`): the BEGIN retried while another process writes, then COMMIT, or ROLLBACK
 * when `work` (or the COMMIT) throws.
 */
export async function immediateTransaction<T>(executor: SqlExecutor, work: () => Promise<T>): Promise<T> {
  const begin = () => executor.execute('BEGIN IMMEDIATE', [], PREPARED);
  await retryWhileBusy(begin);
  try {
    const result = await work();
    await executor.execute('COMMIT', [], PREPARED);
    return result;
  } catch (error) {
    await executor.execute('ROLLBACK', [], PREPARED);
    throw error;
  }
}
