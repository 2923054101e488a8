import type { EventStoreBackend } from '@es/core';

export interface StoreRowCounts {
  readonly events: number;
  readonly streams: number;
  readonly snapshots: number;
  readonly outbox: number;
}

export interface HostWriter {
  /** Writes one row of the host's own (through the host's ORM, in the host's transaction). */
  insertRow(id: string): Promise<void>;
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
  hostTransaction<T>(work: (handle: THandle, host: HostWriter) => Promise<T>): Promise<T>;
  countHostRows(): Promise<number>;
  teardown(): Promise<void>;
}
