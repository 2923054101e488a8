/**
 * What the partitioned-catch-up workload's parent and its instance processes say to each other
 * (Node's IPC channel of `fork`).
 */

/** How an instance process opens the backend the parent seeded: the same database and tables. */
export type InstanceBackend = { readonly kind: 'drizzle-postgres'; readonly url: string; readonly tablePrefix: string };

/** One instance's consumer, as the parent asks for it. */
export interface InstanceOptions {
  readonly backend: InstanceBackend;
  readonly consumer: string;
  /** Undefined: the unpartitioned consumer (the reference). */
  readonly partitions: number | undefined;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly leaseMs: number;
  /** The handler's I/O per event, awaited one event after another. */
  readonly handlerMsPerEvent: number;
  readonly owner: string;
}

export type ToInstance = { readonly type: 'start' } | { readonly type: 'stop' };

export type FromInstance =
  | { readonly type: 'ready' }
  /** A batch its handler finished (before its checkpoint commits), and how long the handler took. */
  | { readonly type: 'batch'; readonly count: number; readonly ms: number }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string };
