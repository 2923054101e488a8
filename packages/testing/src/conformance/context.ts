import {
  type AnyEventDefinition,
  type ConsumerOptions,
  createConsumer,
  createEventStore,
  EsError,
  EventStore,
  type EventStoreBackend,
  type EventStoreOptions,
  type LogPosition,
  type RecordedEvent,
} from '@es/core';
import type { SqlBackend } from '@es/core/sql';
import { jest } from '@jest/globals';
import { type BankEventDefinition, bankEvents, KitError } from './fixtures.js';
import type { ConformanceTarget } from './target.js';

export interface SuiteContext<THandle> {
  readonly target: ConformanceTarget<THandle>;
  /** A store over the target's backend with the bank events registered. */
  store(options?: Partial<EventStoreOptions<BankEventDefinition, THandle>>): EventStore<BankEventDefinition, THandle>;
  /** A store over the target's backend with other events registered (checked like `store`'s). */
  storeOf<TEvents extends AnyEventDefinition>(
    events: readonly TEvents[],
    options?: Partial<EventStoreOptions<TEvents, THandle>>,
  ): EventStore<TEvents, THandle>;
  backend(): EventStoreBackend<THandle>;
}

export function suiteContext<THandle>(target: ConformanceTarget<THandle>): SuiteContext<THandle> {
  return {
    target,
    backend: () => target.backendInstance(),
    store: (options = {}) =>
      watched(createEventStore({ backend: target.backendInstance(), events: bankEvents, ...options })),
    storeOf: (events, options = {}) =>
      watched(createEventStore({ backend: target.backendInstance(), events, ...options })),
  };
}

/**
 * A SQL target's backend as SQL: its connection and tables, and their prefix (for another backend
 * over the same tables).
 */
export function sqlBackendOf<THandle>(ctx: SuiteContext<THandle>) {
  const { connection, tables } = ctx.backend() as unknown as SqlBackend<THandle>;
  return { connection, tables, tablePrefix: tables.events.slice(0, -'events'.length) };
}

/** An event one instance of a consumer handled, and that instance's owner. */
export interface HandledEvent {
  readonly owner: string;
  readonly event: RecordedEvent;
}

/**
 * Instances of one consumer (one name: one checkpoint, one lease), each over a store of its own
 * and told apart by its owner. Every event an instance handles is added to `handled`.
 */
export function consumerInstances<THandle>(
  ctx: SuiteContext<THandle>,
  options: Omit<ConsumerOptions<BankEventDefinition, THandle>, 'owner' | 'handle'>,
) {
  const handled: HandledEvent[] = [];
  return {
    handled,
    instance: (owner: string) =>
      createConsumer(ctx.store(), {
        ...options,
        owner,
        async handle(events) {
          handled.push(...events.map((event) => ({ owner, event })));
        },
      }),
  };
}

/**
 * Errors the stores of the kit threw that are neither an `EsError` nor the kit's own `KitError`
 * (passed through): the store promises every error it raises is an `EsError`.
 */
export const strayErrors: unknown[] = [];

const note = (error: unknown) => {
  if (!(error instanceof EsError) && !(error instanceof KitError)) strayErrors.push(error);
};

/** The store, and every store derived from it, with each error it throws checked by `note`. */
function watched<S extends object>(store: S): S {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(target, args);
        } catch (error) {
          note(error);
          throw error;
        }
        if (result instanceof EventStore) return watched(result);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            note(error);
            throw error;
          });
        }
        return result;
      };
    },
  });
}

/** The log position of an event, as a cursor just past it. */
export const logPosition = (event: RecordedEvent): LogPosition => ({
  transactionId: event.transactionId,
  position: event.position,
});

let counter = 0;
/** A stream id no other test uses. */
export function uniqueId(prefix = 'acc'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A point where work waits until the test lets it go: the work calls `hold()`, the test awaits
 * `reached` (the work got there: its transaction, batch or claim is open) and calls `release()`.
 */
export function holdPoint() {
  const reached = deferred();
  const released = deferred();
  return {
    reached: reached.promise,
    async hold(): Promise<void> {
      reached.resolve();
      await released.promise;
    },
    release: () => released.resolve(),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; a test fails with `what` when it does not within the time. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Runs `work` with this process's `Date` reading `now` (timers untouched), as on an instance whose
 * clock is wrong. */
export async function withInstanceClock<T>(now: number, work: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  try {
    return await work();
  } finally {
    jest.useRealTimers();
  }
}
