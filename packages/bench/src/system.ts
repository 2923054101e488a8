import type { EventStore } from '@es/core';
import type { Account, Contact, Deposit, Deposited } from './fixtures.ts';
import type { InstancesMeasurement, ProcessesRun } from './partitioned/instances.ts';

export type Role = 'backend' | 'floor' | 'peer';

/** A log position as the store's `LogPosition`: (transaction id, position). */
export interface LogCursor {
  readonly transactionId: bigint;
  readonly position: bigint;
}
export type Dialect = 'postgres' | 'sqlite';

/** A stream's history for the import workload: a new stream's id and its events. */
export interface ImportedStream {
  readonly id: string;
  readonly events: readonly Deposit[];
}

/**
 * How the personal-data workloads store a contact: its two personal fields encrypted with the
 * customer's data key (`personal`), the same with the store's key cache off (`personal-uncached`),
 * or the same event with no field declared personal (`clear`).
 */
export type ContactMode = 'personal' | 'personal-uncached' | 'clear';

/** Called once per consumer / relay batch with its size (for batch cycle times). */
export type OnBatch = (count: number) => void;

/**
 * One system under test: an @es backend, the raw-driver floor, or the peer (Emmett). Each is one
 * adapter module in ./systems; a capability it lacks is left out and its workload is skipped.
 */
export interface BenchSystem {
  /** `<name>/<dialect>`, as in the report. */
  readonly name: string;
  readonly role: Role;
  readonly dialect: Dialect;
  /** Connects and creates the system's tables (its own prefix, schema or file). */
  open(): Promise<void>;
  /**
   * Around each of its workloads: installs and removes process-wide settings the system needs
   * (Emmett's dumbo makes node-postgres parse int8 as BigInt for the whole process, which
   * Prisma's pg adapter cannot read), so systems measured after it run as they would alone.
   */
  enter?(): void;
  leave?(): void;
  /**
   * Refreshes the planner's statistics after seeding (`ANALYZE`), as autovacuum does on a
   * production server after a burst of writes; without them PostgreSQL plans a 100,000-row table
   * as a tiny one (autovacuum is off on the bench machines). On PostgreSQL also `CHECKPOINT`, so
   * the seed's dirty pages are not flushed by a checkpoint that falls inside the measured part.
   */
  analyze(): Promise<void>;
  /** Empties the tables between workloads. */
  reset(): Promise<void>;
  close(): Promise<void>;
  /**
   * The cost of the driver path itself, through the same API the store uses (for an @es backend:
   * its ORM's raw-SQL path): `SELECT 1` on its own, or inside a transaction opened and committed.
   */
  readonly roundTrip?: (inTransaction: boolean) => Promise<void>;
  /** Appends in one transaction, checking the stream is at `expectedVersion` (0: a new stream). */
  append(stream: string, events: readonly Deposit[], expectedVersion: number): Promise<void>;
  /**
   * Like `append`, inside a transaction opened around it as an application opens its own (for an
   * @es backend: its ORM's transaction, which the store joins with `withTransaction`), committed
   * once the append resolves.
   */
  appendInTransaction?(stream: string, events: readonly Deposit[], expectedVersion: number): Promise<void>;
  /**
   * Like `appendInTransaction`, but the store is given no handle: it finds the transaction in an
   * ambient context (an AsyncLocalStorage holding the handle, as nestjs-cls keeps it).
   */
  appendInAmbientTransaction?(stream: string, events: readonly Deposit[], expectedVersion: number): Promise<void>;
  /**
   * `append` on a store given OpenTelemetry (`openTelemetry()` of @es/opentelemetry): with the API
   * only (no SDK registered: its no-ops), or with the SDK recording every span and metric into
   * in-memory exporters.
   */
  readonly instrumented?: {
    readonly api: BenchSystem['append'];
    readonly sdk: BenchSystem['append'];
  };
  /**
   * Dynamic consistency boundaries: appends one event tagged `tag`, on the condition that no
   * event tagged `tag` exists after `after` (none at all when undefined); resolves to the
   * appended event's log position, the next call's `after`. Throws when the condition fails.
   */
  conditionalAppend?(tag: string, after: LogCursor | undefined): Promise<LogCursor>;
  /** Reads a whole stream forwards; resolves to the events read. */
  readStream(stream: string): Promise<number>;
  readonly snapshots?: {
    save(stream: string, version: number, state: Account): Promise<void>;
    /** The newest snapshot and the events after it, folded. */
    load(stream: string): Promise<{ version: number; state: Account }>;
  };
  /**
   * A checkpointed consumer reading the log from the start until it has handled `total` events
   * (the log's readers stop at the oldest open transaction of the server, which other work on a
   * shared server can hold back for a moment); resolves to the events handled.
   */
  catchUp?(batchSize: number, total: number, onBatch: OnBatch): Promise<number>;
  /**
   * The consumer of `catchUp`, partitioned or not, run by instance processes of its own over this
   * system's tables (the partitioned-catch-up workloads), timed until every partition is caught
   * up; absent where no instance process can open the system.
   */
  catchUpInProcesses?(run: ProcessesRun): Promise<InstancesMeasurement>;
  readonly outbox?: {
    /** Like `append`, also writing an outbox row per event. */
    append(stream: string, events: readonly Deposit[], expectedVersion: number): Promise<void>;
    /** Relays every pending row to a no-op publisher; resolves to the rows published. */
    drain(batchSize: number, onBatch: OnBatch): Promise<number>;
  };
  /**
   * Bulk import of new streams in one transaction (an @es backend: one `store.import` batch; the
   * floor: its dialect's fastest raw path): every stream at version 0 before, at its events'
   * count after. Resolves to the events written. Every backend and floor has it.
   */
  importStreams?(streams: readonly ImportedStream[]): Promise<number>;
  /** Personal data (issue #24): contacts appended and read in each `ContactMode`. */
  readonly contacts?: {
    append(mode: ContactMode, stream: string, events: readonly Contact[], expectedVersion: number): Promise<void>;
    /** Reads a whole stream of contacts forwards; resolves to the events read. */
    readStream(mode: ContactMode, stream: string): Promise<number>;
    /** The data keys looked up through the backend (found or made) since the system opened. */
    keyLookups(): number;
  };
  /** The store itself (an @es backend's), for a workload that hands it to a tool: the event browser. */
  readonly eventStore?: () => EventStore<typeof Deposited, unknown>;
}
