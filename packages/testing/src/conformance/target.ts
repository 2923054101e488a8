import type { EventStoreBackend } from '@es/core';

export interface StoreRowCounts {
  readonly events: number;
  readonly streams: number;
  readonly snapshots: number;
  readonly outbox: number;
}

/**
 * What a backend supplies to run the conformance kit: a store over real tables (created by the
 * ORM's own tooling), raw row counts read around the library, and the host's own transaction.
 */
export interface ConformanceTarget<THandle> {
  /** `memory`, `drizzle`, `typeorm`, `prisma`, `mikro-orm`. */
  readonly backend: string;
  /** `memory`, `postgres`, `mysql`, `sqlite`. */
  readonly dialect: string;
  /** Once per run: create the tables with the ORM's tooling, open connections. */
  setup(): Promise<void>;
  /** The backend under test; racing tests call it more than once for independent pools. */
  backendInstance(): EventStoreBackend<THandle>;
  /** Empty every store table and the host table. */
  reset(): Promise<void>;
  countRows(): Promise<StoreRowCounts>;
  /** Runs `work` in the host's own transaction: commits when it resolves, rolls back when it throws. */
  hostTransaction<T>(work: (handle: THandle) => Promise<T>): Promise<T>;
  /** Writes one row of the host's own table with the host's ORM, inside the transaction `handle`
   * (a host transaction, or the one a projection handler is given). The id is its primary key. */
  writeHostRow(handle: THandle, id: string): Promise<void>;
  /** Deletes every host row inside `handle` (a projection rebuild's clear hook). */
  clearHostRows(handle: THandle): Promise<void>;
  /** The ids in the host table, read outside the library. */
  hostRowIds(): Promise<string[]>;
  /**
   * For the crash test: the absolute path of a compiled module exporting
   * `openTarget(): Promise<ConformanceTarget>` (connected to the same database, tables already
   * there), so a consumer can run in a child process and be killed with SIGKILL. Absent where a
   * store cannot be shared across processes (memory): the kit crashes the batch in-process.
   */
  readonly processModule?: string;
  teardown(): Promise<void>;
}
