import type { BackendSession } from './session.js';
import type { AppendOutcome, AppendRequest } from './streams.js';

export interface BackendCapabilities {
  /** Whether two transactions can both hold uncommitted appends (PostgreSQL). Where they cannot
   * (MySQL's log lock, SQLite's single writer, memory), an open appending transaction makes
   * other appenders wait until it ends. */
  readonly concurrentAppends: boolean;
  /** Whether a read outside any transaction runs while one of this backend's transactions is
   * open, on another connection (PostgreSQL, MySQL), rather than waiting for it to end (SQLite's
   * single writer, memory). Consumers read their next page ahead only where it does. */
  readonly concurrentReads: boolean;
}

export interface SessionOptions<THandle> {
  /** The host's open transaction: join it, never commit or roll it back. */
  readonly handle?: THandle;
  /**
   * `false`: the work runs nothing of the caller's (no projection, no callback), so no write can
   * start from inside it and nothing reads the session's ORM handle, and a backend may leave out
   * what it keeps for those: the SQL backend's async context marking a joined write's turn, and on
   * SQLite the ORM's transaction machinery around a transaction of its own (a bare `BEGIN
   * IMMEDIATE ... COMMIT` on the driver, where the ORM package offers one). Default `true`.
   */
  readonly runsCallerCode?: boolean;
}

/** A storage backend: opens sessions, in a transaction of its own or in the host's. */
export interface EventStoreBackend<THandle = never> {
  /** `memory`, `drizzle`, `typeorm`, ... */
  readonly name: string;
  /** `memory`, `postgres`, `mysql`, `sqlite`. */
  readonly dialect: string;
  readonly capabilities: BackendCapabilities;
  /**
   * Runs `work` in one transaction: the host's when `options.handle` is given (never committed
   * or rolled back here), else a new one, committed when `work` resolves and rolled back when it
   * throws.
   */
  transaction<T>(work: (session: BackendSession<THandle>) => Promise<T>, options?: SessionOptions<THandle>): Promise<T>;
  /** Runs read-only `work` without opening a transaction (or inside the host's, given one). */
  read<T>(work: (session: BackendSession<THandle>) => Promise<T>, options?: SessionOptions<THandle>): Promise<T>;
  /**
   * An append that hands no transaction handle to anyone, with the same guarantees as one in
   * `transaction`, on a shorter path: on PostgreSQL one statement with no transaction around it
   * (one round trip instead of BEGIN, append, COMMIT); on SQLite a transaction on the driver
   * without the ORM's transaction machinery. The store uses it for an append that joins no
   * transaction and runs no inline projection.
   */
  appendAlone?(request: AppendRequest): Promise<AppendOutcome>;
}
