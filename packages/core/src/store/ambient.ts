import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the host keeps its current transaction, so that a store given no handle joins it: the
 * transaction open in the calling async context (MikroORM's own context, nestjs-cls's
 * TransactionHost, typeorm-transactional ...). Each ORM package ships the ones its ORM has.
 */
export interface TransactionContext<THandle> {
  /** The handle of the transaction open in the calling async context; undefined outside one. */
  current(): THandle | undefined;
  /**
   * Runs `callback` once the current transaction has committed, never after a rollback. Leave it
   * out where the context cannot tell: the events are then found by polling, a little later.
   */
  afterCommit?(callback: () => void): void;
}

/** A transaction the store joins: the caller's explicit handle, `atomic`'s, or the ambient one. */
export interface JoinedTransaction<THandle> {
  readonly handle: THandle;
  /** Absent where nothing can tell when it commits (an explicit handle, a context without it). */
  readonly afterCommit?: (callback: () => void) => void;
}

interface AtomicScope {
  readonly handle: unknown;
  readonly committed: (() => void)[];
}

/** `store.atomic` scopes, by backend: stores on the same backend share the transaction. */
const atomicScopes = new AsyncLocalStorage<ReadonlyMap<object, AtomicScope>>();

/** The `atomic` transaction open on `backend` in the calling async context. */
export function currentAtomic<THandle>(backend: object): JoinedTransaction<THandle> | undefined {
  const scope = atomicScopes.getStore()?.get(backend);
  if (!scope) return undefined;
  return { handle: scope.handle as THandle, afterCommit: (callback) => scope.committed.push(callback) };
}

/**
 * Runs `work` as the `atomic` transaction of `backend` whose handle is `handle`; the callbacks
 * registered meanwhile are handed back, to be run by the caller once the transaction commits.
 */
export async function runAtomic<T>(
  backend: object,
  handle: unknown,
  work: () => Promise<T>,
): Promise<{ result: T; committed: readonly (() => void)[] }> {
  const scope: AtomicScope = { handle, committed: [] };
  const scopes = new Map(atomicScopes.getStore());
  scopes.set(backend, scope);
  const result = await atomicScopes.run(scopes, work);
  return { result, committed: scope.committed };
}

/** In-process listeners told after a commit that appended to a backend (consumers, relays). */
const appendListeners = new WeakMap<object, Set<() => void>>();

/** Calls `listener` after each commit that appended through a store on `backend`; returns the unsubscribe. */
export function onAppendCommitted(backend: object, listener: () => void): () => void {
  let listeners = appendListeners.get(backend);
  if (!listeners) {
    listeners = new Set();
    appendListeners.set(backend, listeners);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function appendCommitted(backend: object): void {
  for (const listener of appendListeners.get(backend) ?? []) {
    try {
      listener();
    } catch {
      // A listener only wakes a polling loop; its failure must not fail the committed append.
    }
  }
}

/** The host's transaction current in the calling async context, as its `context` tells. */
export function ambientTransaction<THandle>(
  context: TransactionContext<THandle> | undefined,
): JoinedTransaction<THandle> | undefined {
  const handle = context?.current();
  if (handle === undefined || handle === null) return undefined;
  const afterCommit = context?.afterCommit;
  return afterCommit ? { handle, afterCommit: (callback) => afterCommit.call(context, callback) } : { handle };
}
