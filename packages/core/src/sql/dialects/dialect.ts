import type {
  AppendRequest,
  ConsumerCheckpoint,
  ExpectedVersion,
  LogFilter,
  LogPage,
  LogPosition,
  OldestTransaction,
  ReadLogQuery,
  ReadStreamQuery,
  SnapshotToStore,
  StoredEvent,
  StoredSnapshot,
} from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import type { SqlDialectName, SqlExecutor, SqlParam } from '../executor.js';
import {
  type EventRow,
  type SnapshotRow,
  toBigInt,
  toDate,
  toNumber,
  toStoredEvent,
  toStoredSnapshot,
} from '../rows.js';
import type { TableNames } from '../tables.js';

/** Collects bound values and hands out the dialect's placeholder for each. */
export class Params {
  readonly values: SqlParam[] = [];

  constructor(private readonly placeholder: (index: number) => string) {}

  add(value: SqlParam): string {
    this.values.push(value);
    return this.placeholder(this.values.length);
  }

  list(values: readonly SqlParam[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }
}

interface CheckpointRow {
  transaction_id: unknown;
  position: unknown;
  lease_owner: unknown;
  lease_expires_at: unknown;
  updated_at: unknown;
}

export interface InsertedEvents {
  readonly positions: bigint[];
  readonly transactionId: bigint;
}

/**
 * The SQL of one dialect. Statements that read the same everywhere are written here once; the
 * concurrency-critical ones (version check, position allocation, the gap-safe log read) are
 * each dialect's own, with the reasoning beside them.
 */
export abstract class SqlDialect {
  abstract readonly name: SqlDialectName;

  constructor(readonly tables: TableNames) {}

  protected abstract placeholder(index: number): string;
  /** SQL for a bound time / JSON / uuid value (casts where the dialect needs them). */
  protected abstract timeValue(params: Params, date: Date): string;
  protected abstract jsonValue(params: Params, json: string): string;
  protected abstract uuidValue(params: Params, uuid: string): string;
  /** A select expression giving the column as UTC text or epoch milliseconds. */
  protected abstract selectTime(column: string): string;
  /** Extra select columns (PostgreSQL: the transaction id). */
  protected readonly extraEventColumns: string = '';

  /** Moves the stream's version by `count` if `expected` holds; the new version, or undefined. */
  abstract bumpStreamVersion(
    executor: SqlExecutor,
    stream: StreamKey,
    expected: ExpectedVersion,
    count: number,
  ): Promise<number | undefined>;

  /** Inserts the events (positions allocated per the dialect's log rule) and their outbox rows. */
  abstract insertEvents(executor: SqlExecutor, request: AppendRequest, firstVersion: number): Promise<InsertedEvents>;

  abstract readLog(executor: SqlExecutor, query: ReadLogQuery): Promise<LogPage>;

  abstract saveSnapshot(executor: SqlExecutor, snapshot: SnapshotToStore): Promise<void>;

  params(): Params {
    return new Params((index) => this.placeholder(index));
  }

  protected get eventColumns(): string {
    return `position${this.extraEventColumns}, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, ${this.selectTime('recorded_at')} AS recorded_at`;
  }

  protected streamWhere(params: Params, stream: StreamKey): string {
    return `tenant_id = ${params.add(stream.tenant)} AND category = ${params.add(stream.category)} AND stream_id = ${params.add(stream.id)}`;
  }

  /** The VALUES rows of an event insert; `position` is the explicit position where the dialect assigns it. */
  protected eventValues(
    params: Params,
    request: AppendRequest,
    firstVersion: number,
    leading: (index: number) => string[] = () => [],
  ): string {
    const recordedAt = request.recordedAt;
    return request.events
      .map((event, index) =>
        [
          ...leading(index),
          this.uuidValue(params, event.eventId),
          params.add(request.stream.tenant),
          params.add(request.stream.category),
          params.add(request.stream.id),
          params.add(firstVersion + index),
          params.add(event.type),
          params.add(event.schemaVersion),
          this.jsonValue(params, event.data),
          this.jsonValue(params, event.metadata),
          this.timeValue(params, recordedAt),
        ].join(', '),
      )
      .map((row) => `(${row})`)
      .join(', ');
  }

  protected static readonly INSERT_COLUMNS =
    'event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at';

  /** Outbox rows for the events flagged for it, in the same transaction as the events. */
  protected async insertOutbox(
    executor: SqlExecutor,
    request: AppendRequest,
    firstVersion: number,
    positions: readonly bigint[],
  ): Promise<void> {
    const rows = request.events.map((event, index) => ({ event, index })).filter(({ event }) => event.outbox);
    if (rows.length === 0) return;
    const params = this.params();
    const values = rows
      .map(({ event, index }) =>
        [
          this.bigintValue(params, positions[index] as bigint),
          this.uuidValue(params, event.eventId),
          params.add(request.stream.tenant),
          params.add(request.stream.category),
          params.add(request.stream.id),
          params.add(firstVersion + index),
          params.add(0),
          this.timeValue(params, request.recordedAt),
          params.add('pending'),
          this.timeValue(params, request.recordedAt),
        ].join(', '),
      )
      .map((row) => `(${row})`)
      .join(', ');
    await executor.execute(
      `INSERT INTO ${this.tables.outbox} (position, event_id, tenant_id, category, stream_id, stream_version, attempts, next_attempt_at, status, created_at) VALUES ${values}`,
      params.values,
    );
  }

  protected bigintValue(params: Params, value: bigint): string {
    return params.add(value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString());
  }

  async findEventIds(executor: SqlExecutor, eventIds: readonly string[]): Promise<string[]> {
    const params = this.params();
    const list = eventIds.map((id) => this.uuidValue(params, id)).join(', ');
    const rows = await executor.query<{ event_id: unknown }>(
      `SELECT event_id FROM ${this.tables.events} WHERE event_id IN (${list})`,
      params.values,
    );
    return rows.map((row) => String(row.event_id));
  }

  async readStream(executor: SqlExecutor, query: ReadStreamQuery): Promise<StoredEvent[]> {
    const params = this.params();
    let where = this.streamWhere(params, query.stream);
    if (query.fromVersion !== undefined) where += ` AND stream_version >= ${params.add(query.fromVersion)}`;
    if (query.toVersion !== undefined) where += ` AND stream_version <= ${params.add(query.toVersion)}`;
    const order = query.direction === 'backwards' ? 'DESC' : 'ASC';
    const limit = query.limit !== undefined ? ` LIMIT ${params.add(query.limit)}` : '';
    const rows = await executor.query<EventRow>(
      `SELECT ${this.eventColumns} FROM ${this.tables.events} WHERE ${where} ORDER BY stream_version ${order}${limit}`,
      params.values,
    );
    return rows.map(toStoredEvent);
  }

  async streamVersion(executor: SqlExecutor, stream: StreamKey): Promise<number> {
    const params = this.params();
    const rows = await executor.query<{ version: unknown }>(
      `SELECT version FROM ${this.tables.streams} WHERE ${this.streamWhere(params, stream)}`,
      params.values,
    );
    return rows[0] ? toNumber(rows[0].version) : 0;
  }

  async deleteStream(executor: SqlExecutor, stream: StreamKey): Promise<boolean> {
    const run = async (table: string) => {
      const params = this.params();
      return executor.execute(`DELETE FROM ${table} WHERE ${this.streamWhere(params, stream)}`, params.values);
    };
    await run(this.tables.outbox);
    await run(this.tables.snapshots);
    const events = await run(this.tables.events);
    const streams = await run(this.tables.streams);
    return events + streams > 0;
  }

  async loadSnapshot(executor: SqlExecutor, stream: StreamKey): Promise<StoredSnapshot | undefined> {
    const params = this.params();
    const rows = await executor.query<SnapshotRow>(
      `SELECT tenant_id, category, stream_id, version, schema_version, state, ${this.selectTime('taken_at')} AS taken_at FROM ${this.tables.snapshots} WHERE ${this.streamWhere(params, stream)}`,
      params.values,
    );
    return rows[0] ? toStoredSnapshot(rows[0]) : undefined;
  }

  /** WHERE fragments of a log read's filter. */
  protected logFilter(params: Params, query: Pick<ReadLogQuery, 'filter'>): string {
    const { tenant, categories, types } = query.filter;
    let where = '';
    if (tenant !== undefined) where += ` AND tenant_id = ${params.add(tenant)}`;
    if (categories && categories.length > 0) where += ` AND category IN (${params.list(categories)})`;
    if (types && types.length > 0) where += ` AND type IN (${params.list(types)})`;
    return where;
  }

  /**
   * The log read of dialects whose positions commit in order (MySQL, SQLite): events after the
   * cursor up to `head`, a position known to be committed with everything below it.
   */
  protected async readLogUpTo(executor: SqlExecutor, query: ReadLogQuery, head: bigint): Promise<LogPage> {
    const params = this.params();
    const after = this.bigintValue(params, query.after.position);
    const upTo = this.bigintValue(params, head);
    const filter = this.logFilter(params, query);
    const limit = params.add(query.limit);
    const rows = await executor.query<EventRow>(
      `SELECT ${this.eventColumns} FROM ${this.tables.events} WHERE position > ${after} AND position <= ${upTo}${filter} ORDER BY position LIMIT ${limit}`,
      params.values,
    );
    const events = rows.map(toStoredEvent);
    const last = events.at(-1);
    if (events.length >= query.limit && last) return { events, next: { transactionId: 0n, position: last.position } };
    const position = head > query.after.position ? head : query.after.position;
    return { events, next: { transactionId: 0n, position } };
  }

  protected snapshotValues(params: Params, snapshot: SnapshotToStore): string {
    return [
      params.add(snapshot.stream.tenant),
      params.add(snapshot.stream.category),
      params.add(snapshot.stream.id),
      params.add(snapshot.version),
      params.add(snapshot.schemaVersion),
      this.jsonValue(params, snapshot.state),
      this.timeValue(params, snapshot.takenAt),
    ].join(', ');
  }

  /** `INSERT ... ` that does nothing when the key exists (dialect syntax). */
  protected abstract insertIgnoring(table: string, columns: string, values: string, key: string): string;
  /** Row-lock suffix for a select (none on SQLite: the write lock is already exclusive). */
  protected readonly forUpdate: string = ' FOR UPDATE';

  abstract logHead(executor: SqlExecutor): Promise<LogPosition>;

  async countLog(executor: SqlExecutor, after: LogPosition, filter: LogFilter): Promise<number> {
    const params = this.params();
    const from = this.bigintValue(params, after.position);
    const where = this.logFilter(params, { filter });
    const [row] = await executor.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM ${this.tables.events} WHERE position > ${from}${where}`,
      params.values,
    );
    return toNumber(row?.n ?? 0);
  }

  async oldestOpenTransaction(_executor: SqlExecutor): Promise<OldestTransaction | undefined> {
    return undefined;
  }

  private checkpointColumns(): string {
    return `transaction_id, position, lease_owner, ${this.selectTime('lease_expires_at')} AS lease_expires_at, ${this.selectTime('updated_at')} AS updated_at`;
  }

  private toCheckpoint(row: CheckpointRow): ConsumerCheckpoint {
    return {
      position: { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) },
      leaseOwner: row.lease_owner === null || row.lease_owner === undefined ? null : String(row.lease_owner),
      leaseExpiresAt:
        row.lease_expires_at === null || row.lease_expires_at === undefined ? null : toDate(row.lease_expires_at),
      isNew: toDate(row.updated_at).getTime() === 0,
    };
  }

  async claimConsumer(
    executor: SqlExecutor,
    name: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<ConsumerCheckpoint | undefined> {
    const { checkpoints } = this.tables;
    let params = this.params();
    // updated_at = the epoch marks a row never stored (the consumer picks its start then).
    const values = `${params.add(name)}, 0, 0, ${this.timeValue(params, new Date(0))}`;
    await executor.execute(
      this.insertIgnoring(checkpoints, 'consumer, transaction_id, position, updated_at', values, 'consumer'),
      params.values,
    );
    params = this.params();
    const [row] = await executor.query<CheckpointRow>(
      `SELECT ${this.checkpointColumns()} FROM ${checkpoints} WHERE consumer = ${params.add(name)}${this.forUpdate}`,
      params.values,
    );
    if (!row) return undefined;
    const current = this.toCheckpoint(row);
    const heldByOther =
      current.leaseOwner !== null &&
      current.leaseOwner !== owner &&
      (current.leaseExpiresAt?.getTime() ?? 0) > now.getTime();
    if (heldByOther) return undefined;
    const expiresAt = new Date(now.getTime() + leaseMs);
    params = this.params();
    await executor.execute(
      `UPDATE ${checkpoints} SET lease_owner = ${params.add(owner)}, lease_expires_at = ${this.timeValue(params, expiresAt)} WHERE consumer = ${params.add(name)}`,
      params.values,
    );
    return { ...current, leaseOwner: owner, leaseExpiresAt: expiresAt };
  }

  async storeCheckpoint(executor: SqlExecutor, name: string, position: LogPosition, now: Date): Promise<void> {
    const params = this.params();
    await executor.execute(
      `UPDATE ${this.tables.checkpoints} SET transaction_id = ${this.bigintValue(params, position.transactionId)}, position = ${this.bigintValue(params, position.position)}, updated_at = ${this.timeValue(params, now)} WHERE consumer = ${params.add(name)}`,
      params.values,
    );
  }

  async releaseConsumer(executor: SqlExecutor, name: string, owner: string): Promise<void> {
    const params = this.params();
    await executor.execute(
      `UPDATE ${this.tables.checkpoints} SET lease_owner = NULL, lease_expires_at = NULL WHERE consumer = ${params.add(name)} AND lease_owner = ${params.add(owner)}`,
      params.values,
    );
  }

  async readCheckpoint(executor: SqlExecutor, name: string): Promise<ConsumerCheckpoint | undefined> {
    const params = this.params();
    const [row] = await executor.query<CheckpointRow>(
      `SELECT ${this.checkpointColumns()} FROM ${this.tables.checkpoints} WHERE consumer = ${params.add(name)}`,
      params.values,
    );
    return row ? this.toCheckpoint(row) : undefined;
  }

  /** Savepoints make a write inside the host's transaction all-or-nothing without ending it. */
  savepoint(name: string): string {
    return `SAVEPOINT ${name}`;
  }

  releaseSavepoint(name: string): string {
    return `RELEASE SAVEPOINT ${name}`;
  }

  rollbackToSavepoint(name: string): string {
    return `ROLLBACK TO SAVEPOINT ${name}`;
  }
}
