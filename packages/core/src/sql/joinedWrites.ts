import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from '../util/mutex.js';

/** The host transactions (by handle) whose write turn the calling async context holds. */
const holding = new AsyncLocalStorage<ReadonlySet<object>>();
const turns = new WeakMap<object, Mutex>();

/**
 * Runs the store's writes joined to one host transaction one at a time. They share the host's
 * one connection, and a write may run under a savepoint: two interleaved there (`Promise.all`
 * inside the host's transaction) would release or roll back each other's work. A write made
 * from inside another (an inline projection's) already holds the turn and runs at once: the
 * turn is marked in the async context of a write that `runsCallerCode`. A write that runs none
 * skips the mark (on Node 22 an AsyncLocalStorage's `run` turns on promise hooks for the whole
 * process; BENCHMARKS.md).
 */
export async function joinedWrite<T>(handle: unknown, work: () => Promise<T>, runsCallerCode = true): Promise<T> {
  if (typeof handle !== 'object' || handle === null) return work();
  const held = holding.getStore();
  if (held?.has(handle)) return work();
  let turn = turns.get(handle);
  if (!turn) {
    turn = new Mutex();
    turns.set(handle, turn);
  }
  // A host transaction's first write (most often its only one) finds the turn free.
  const release = turn.tryAcquire() ?? (await turn.acquire());
  try {
    return await (runsCallerCode ? holding.run(new Set(held).add(handle), work) : work());
  } finally {
    release();
  }
}
