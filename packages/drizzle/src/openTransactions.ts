import { TransactionNotOpenError } from '@es/core';
import { isDrizzleKind } from './kinds.js';

/**
 * Whether a transaction handle given to `store.withTransaction` is still open, checked before
 * every statement run through it, with no round trip: a handle can outlive its transaction (kept
 * in a closure, or used after an `await` that Drizzle's synchronous SQLite transaction does not
 * survive), and a statement through it would then run, and commit, on its own.
 */
export type OpenCheck = () => void;

/**
 * The transactions this package opened (`runInTransaction`, the store's own), while open and
 * after: the surest signal, since the connection under an ended one may already carry the next.
 */
const states = new WeakMap<object, 'open' | 'ended'>();

export const transactionOpened = (handle: object): void => void states.set(handle, 'open');
export const transactionEnded = (handle: object): void => void states.set(handle, 'ended');

const endedError = () => new TransactionNotOpenError('its transaction has already committed or rolled back');

/** The driver's client under a Drizzle database or transaction (`db.session.client`). */
const clientOf = (handle: object): unknown => (handle as { session?: { client?: unknown } }).session?.client;

/**
 * node-postgres (>= 8.21) keeps the transaction status of the connection's last ReadyForQuery:
 * `'I'` is idle, no transaction (committed or rolled back; a pooled client's `db.transaction`
 * releases it idle). Older releases and the native client have no status: only the backend's own
 * handles are checked there.
 */
export function postgresOpenCheck(handle: object): OpenCheck {
  const client = clientOf(handle) as { getTransactionStatus?(): string | null } | undefined;
  const status = typeof client?.getTransactionStatus === 'function' ? client : undefined;
  return () => {
    if (states.get(handle) === 'ended') throw endedError();
    if (status?.getTransactionStatus?.() === 'I')
      throw new TransactionNotOpenError('its connection has no transaction open (it committed or rolled back)');
  };
}

/**
 * mysql2: `db.transaction` on a pool releases its connection when the transaction ends; the
 * pooled connection says so (`_released`, until the pool hands it out again). On a single
 * connection nothing tells a finished `db.transaction` from an open one: only the backend's own
 * handles are checked there.
 */
export function mysqlOpenCheck(handle: object): OpenCheck {
  const pooled = (clientOf(handle) as { connection?: { _released?: unknown } } | undefined)?.connection;
  const released = typeof pooled?._released === 'boolean' ? pooled : undefined;
  return () => {
    if (states.get(handle) === 'ended') throw endedError();
    if (released?._released === true)
      throw new TransactionNotOpenError(
        'its pooled connection was released (the transaction committed or rolled back)',
      );
  };
}

/**
 * better-sqlite3: the connection knows whether a transaction is open (`inTransaction`). A Drizzle
 * SQLite transaction of the backend's own (`runInTransaction`) is checked by its state. Any other
 * is Drizzle's synchronous `db.transaction`, over by the first `await` in its callback: it is
 * always refused, since the statements would otherwise run on whatever the connection is doing
 * by then. A database handle (your own `BEGIN`) must have a transaction open.
 */
export function sqliteOpenCheck(handle: object): OpenCheck {
  const state = states.get(handle);
  if (state === undefined && isDrizzleKind(handle, 'SQLiteTransaction')) {
    return () => {
      throw new TransactionNotOpenError(
        "Drizzle's better-sqlite3 transactions are synchronous and end at the callback's first await; " +
          'run async work in backend.runInTransaction(async (tx) => ...)',
      );
    };
  }
  const client = clientOf(handle) as { inTransaction?: unknown } | undefined;
  return () => {
    if (states.get(handle) === 'ended') throw endedError();
    if (client?.inTransaction === false) throw new TransactionNotOpenError('its connection has no transaction open');
  };
}
