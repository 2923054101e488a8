import { TransactionNotOpenError } from '@es/core';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { ControlledTransaction } from 'kysely';

type Transaction = ControlledTransaction<unknown>;
type Ending = 'committed' | 'rolled back';

/**
 * Savepoints (a nested `em.transactional()`): the transaction each was opened in, and how it ended
 * where MikroORM reports it. Kysely marks a top-level transaction committed or rolled back itself,
 * but a savepoint's transaction object keeps saying neither, and once the whole transaction has
 * ended it runs its statements on a connection that is back in the pool. MikroORM's transaction
 * events fill the gap: a savepoint is opened between `beforeTransactionStart` (given the enclosing
 * transaction) and `afterTransactionStart` (given the savepoint), both on the nested fork, and
 * ends with `afterTransactionCommit` or `afterTransactionRollback` (MikroORM's MySQL connection
 * releases a savepoint without the commit event: there the savepoint ends with its enclosing one).
 */
const savepoints = new WeakMap<object, { readonly parent: Transaction; ending?: Ending }>();
const openingIn = new WeakMap<object, Transaction>();

const savepointEvents: EventSubscriber = {
  beforeTransactionStart: ({ em, transaction }: TransactionEventArgs) => {
    if (transaction) openingIn.set(em, transaction as Transaction);
  },
  afterTransactionStart: ({ em, transaction }: TransactionEventArgs) => {
    const parent = openingIn.get(em);
    openingIn.delete(em);
    if (parent && transaction?.savepointName) savepoints.set(transaction, { parent });
  },
  afterTransactionCommit: ({ transaction }: TransactionEventArgs) => {
    if (!transaction) return;
    const savepoint = savepoints.get(transaction);
    if (savepoint) savepoint.ending = 'committed';
    else runAwaitingCommit(transaction as Transaction);
  },
  afterTransactionRollback: ({ transaction }: TransactionEventArgs) => {
    if (!transaction) return;
    const savepoint = savepoints.get(transaction);
    if (savepoint) savepoint.ending = 'rolled back';
    else awaitingCommit.delete(transaction as Transaction);
  },
};

/** Callbacks waiting for a top-level transaction to commit, each with the (savepoint's) transaction it was given in. */
const awaitingCommit = new WeakMap<Transaction, { readonly within: Transaction; readonly callback: () => void }[]>();

/**
 * Lets `openTransactionOf` tell ended savepoints of the transactions `em` and its later forks open
 * (`em.transactional()` forks the EntityManager with a copy of its subscribers), and
 * `afterCommitOf` tell when they commit. Idempotent.
 */
export function watchSavepoints(em: SqlEntityManager): void {
  em.getEventManager().registerSubscriber(savepointEvents);
}

/** How `transaction` has ended, or undefined while it is open: flags kept in memory, no round trip. */
function endingOf(transaction: Transaction): Ending | undefined {
  if (transaction.isCommitted) return 'committed';
  if (transaction.isRolledBack) return 'rolled back';
  const savepoint = savepoints.get(transaction);
  return savepoint && (savepoint.ending ?? endingOf(savepoint.parent));
}

/**
 * The transaction `em` is in, as MikroORM keeps it: a Kysely `ControlledTransaction` (a savepoint's
 * inside a nested `em.transactional()`), the object `em.getKysely()` returns. MikroORM leaves it on
 * the `em` of an `em.transactional()` callback after that transaction has ended, so `assertOpen`,
 * which the executor runs before every statement, refuses a statement that would run outside the
 * caller's transaction (TransactionNotOpenError) before it is sent.
 */
export function openTransactionOf(em: SqlEntityManager): { transaction: Transaction; assertOpen: () => void } {
  const transaction = em.getTransactionContext<Transaction>();
  // Outside a transaction getKysely() falls back to the pool (autocommit): refuse instead.
  if (!transaction) {
    throw new TransactionNotOpenError(
      'the EntityManager is not inside a transaction; pass the em your em.transactional() callback gets',
    );
  }
  const assertOpen = () => {
    const ending = endingOf(transaction);
    if (ending) throw new TransactionNotOpenError(`the em.transactional() it belongs to has ${ending}`);
  };
  assertOpen();
  return { transaction, assertOpen };
}

/** The top-level transaction `transaction` is a savepoint of (or itself); undefined for a savepoint opened unwatched. */
function topLevelOf(transaction: Transaction): Transaction | undefined {
  let current = transaction;
  for (let savepoint = savepoints.get(current); savepoint; savepoint = savepoints.get(current))
    current = savepoint.parent;
  return 'savepointName' in current ? undefined : current;
}

/** Whether `transaction` or a savepoint around it was rolled back (the top-level transaction aside). */
function rolledBackWithin(transaction: Transaction): boolean {
  for (let savepoint = savepoints.get(transaction); savepoint; savepoint = savepoints.get(savepoint.parent)) {
    if (savepoint.ending === 'rolled back') return true;
  }
  return false;
}

/** A callback's failure must not turn a transaction that committed into a failed `em.transactional()`. */
function runCommitted(callback: () => void): void {
  try {
    callback();
  } catch {
    // Nothing to undo: the transaction has committed.
  }
}

function runAwaitingCommit(topLevel: Transaction): void {
  const waiting = awaitingCommit.get(topLevel) ?? [];
  awaitingCommit.delete(topLevel);
  for (const { within, callback } of waiting) if (!rolledBackWithin(within)) runCommitted(callback);
}

/**
 * Runs `callback` once the writes made in the transaction `em` is in (a savepoint, in a nested
 * `em.transactional()`) have committed: after the top-level transaction commits, unless a
 * savepoint around them rolled back; never after a rollback. Where that cannot be told (outside a
 * transaction, or in a savepoint opened by an EntityManager forked before `watchSavepoints`), it
 * is not run at all.
 */
export function afterCommitOf(em: SqlEntityManager, callback: () => void): void {
  const transaction = em.getTransactionContext<Transaction>();
  const topLevel = transaction && topLevelOf(transaction);
  if (!transaction || !topLevel || topLevel.isRolledBack || rolledBackWithin(transaction)) return;
  if (topLevel.isCommitted) {
    runCommitted(callback);
    return;
  }
  const waiting = awaitingCommit.get(topLevel) ?? [];
  waiting.push({ within: transaction, callback });
  awaitingCommit.set(topLevel, waiting);
}
