import type { EventStoreBackend, StreamKey, TransactionContext } from '@es/core';

export interface StoreRowCounts {
  readonly events: number;
  readonly streams: number;
  readonly snapshots: number;
  readonly outbox: number;
  /** Rows of the tags table (dynamic consistency boundaries). */
  readonly tags: number;
}

/** Each store table's rows as text (see `ConformanceTarget.storedRows`). */
export type StoredRows = Readonly<Record<string, readonly string[]>>;

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
  /**
   * Every row of every store table as text, one line per row, by table (`TableNames`' keys), read
   * around the library: what a backup or a DBA sees. The memory target, which has no tables, gives
   * what the store handed the backend to write (its events, snapshots and inserted data keys).
   */
  storedRows(): Promise<StoredRows>;
  /**
   * Rewrites the stored data of every event of `stream` around the library (raw SQL on a SQL
   * target): `edit` gets the JSON text as stored and returns the text to store instead. Resolves
   * to the events rewritten.
   */
  editStoredEvents(stream: StreamKey, edit: (data: string) => string): Promise<number>;
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
  /**
   * The host ORM's own ways of keeping its transaction current (its transaction context, or a
   * library's such as typeorm-transactional or nestjs-cls), for the ambient suite. The store's own
   * scope (`store.atomic`) runs on every target without being listed.
   */
  readonly ambientContexts?: readonly AmbientContext<THandle>[];
  teardown(): Promise<void>;
}

/**
 * How two transactions the host opens at once relate: `isolated`, both open side by side, neither
 * seeing the other's writes (PostgreSQL, MySQL); `queued`, the second waits for the first to end
 * (one writer: SQLite, memory).
 */
export type ConcurrentTransactions = 'isolated' | 'queued';

/** One way the host keeps its transaction current, which a store given no handle joins. */
export interface AmbientContext<THandle> {
  /** Its title in the report: the context, and how the host opens its transaction. */
  readonly name: string;
  /**
   * How two of its transactions opened at once relate. Left out where the ORM itself keeps them
   * on one connection without telling them apart (its own writes are not isolated either): the
   * suite then has nothing to compare the store's writes with, and does not run that test.
   */
  readonly concurrentTransactions?: ConcurrentTransactions;
  /** Opens the context over a connection of its own (after `setup`), as a host application would. */
  open(): Promise<AmbientHost<THandle>>;
}

/** A host whose transaction the store joins through `transactionContext`. */
export interface AmbientHost<THandle> {
  /** The store's backend, on the connection the host's transactions run on. */
  readonly backend: EventStoreBackend<THandle>;
  /** What the store is given, to find the host's current transaction. */
  readonly transactionContext: TransactionContext<THandle>;
  /**
   * Runs `work` in a transaction of the host, opened the ORM's way, so that it is current in
   * `work`'s async context: commits when `work` resolves, rolls back when it throws. Called inside
   * one, it nests the way the ORM's default does. `handle` is what the host's own writes go through.
   */
  transaction<T>(work: (handle: THandle) => Promise<T>): Promise<T>;
  /** Ends what `open` started beyond the connection (a Nest application ...). */
  close?(): Promise<void>;
}
