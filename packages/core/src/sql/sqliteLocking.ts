import { Mutex } from '../util/mutex.js';
import { classifySqlError } from './errors.js';

/**
 * SQLite has one writer at a time, and the usual drivers (better-sqlite3) are synchronous: a
 * busy timeout blocks the whole event loop, so a second connection in the same process waiting
 * for the write lock would also stop the holder from ever finishing. SQLite connections here
 * therefore run with a zero busy timeout and wait asynchronously instead:
 *
 * - `SqliteGate.exclusive` serializes everything on one connection (a transaction and any
 *   autocommit read), so a read never sees another caller's uncommitted rows;
 * - `retryWhileBusy` retries `BEGIN IMMEDIATE` with backoff while another connection (or
 *   process) holds the write lock. Only the BEGIN is retried: once it succeeds this connection
 *   holds the lock, and no later statement of the transaction can be busy.
 */
export class SqliteGate {
  private readonly mutex = new Mutex();

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.mutex.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}

export interface BusyRetryOptions {
  /** Give up after this long (default 30 s), rethrowing the busy error. */
  readonly timeoutMs?: number;
}

export async function retryWhileBusy<T>(attempt: () => Promise<T> | T, options: BusyRetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return await attempt();
    } catch (error) {
      if (classifySqlError(error) !== 'busy' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    }
  }
}
