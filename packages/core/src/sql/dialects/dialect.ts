import type {
  AppendOutcome,
  AppendRequest,
  ConsumerCheckpoint,
  ConsumerKey,
  DeadOutboxEntry,
  ExpectedVersion,
  LogFilter,
  LogPage,
  LogPosition,
  OldestTransaction,
  OutboxCounts,
  OutboxEntry,
  ParkedEvent,
  ParkedEventToStore,
  ReadLogQuery,
  ReadStreamQuery,
  SnapshotToStore,
  StoredEvent,
  StoredSnapshot,
} from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlDialectName, type SqlExecutor, type SqlParam } from '../executor.js';
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

export interface SchemaMismatch {
  readonly problem: string;
  readonly fix: string[];
}

export interface CheckpointRow {
  transaction_id: unknown;
  position: unknown;
  lease_owner: unknown;
  lease_expires_at: unknown;
  updated_at: unknown;
}

/**
 * The SQL of one dialect. Statements that read the same everywhere are written here once; the
 * concurrency-critical ones (version check, position allocation, the gap-safe log read) are
 * each dialect's own, with the reasoning beside them.
 */
export abstract class SqlDialect {
  abstract readonly name: SqlDialectName;

  constructor(readonly tables: TableNames) {}

  // Defaults for `?` dialects storing times as ISO-8601 text (SQLite); others override.
  protected placeholder(_index: number): string {
    return '?';
  }

  /** SQL for a bound time / JSON / uuid value (casts where the dialect needs them). */
  protected timeValue(params: Params, date: Date): string {
    return params.add(date.toISOString());
  }

  protected jsonValue(params: Params, json: string): string {
    return params.add(json);
  }

  protected uuidValue(params: Params, uuid: string): string {
    return params.add(uuid);
  }

  /** A select expression giving the column as UTC text or epoch milliseconds. */
  protected selectTime(column: string): string {
    return column;
  }

  /** A select expression giving a JSON column as its text, which no driver parses (see `toJsonText`). */
  protected selectJson(column: string): string {
    return `CAST(${column} AS TEXT)`;
  }
  /**
   * What the tables lack that the store's correctness needs, with the statements that fix it;
   * undefined when nothing. The backend asks once, before its first statement.
   */
  async schemaMismatch(_executor: SqlExecutor): Promise<SchemaMismatch | undefined> {
    return undefined;
  }

  /** Whether events carry the writing transaction's id (PostgreSQL). */
  protected readonly hasTransactionId: boolean = false;

  /**
   * Checks the expected version, moves the stream's version by the number of events and inserts
   * them (positions allocated per the dialect's log rule) with their outbox rows. Undefined when
   * the expected version does not hold, with nothing written. A unique key the check could not
   * see (a duplicate event id) fails as the driver's error.
   */
  abstract appendEvents(executor: SqlExecutor, request: AppendRequest): Promise<AppendOutcome | undefined>;
  /** Whether `appendEvents` is one statement, so atomic without a transaction around it. */
  readonly appendIsOneStatement: boolean = false;

  abstract readLog(executor: SqlExecutor, query: ReadLogQuery): Promise<LogPage>;

  abstract saveSnapshot(executor: SqlExecutor, snapshot: SnapshotToStore): Promise<void>;

  params(): Params {
    return new Params((index) => this.placeholder(index));
  }

  /**
   * The select list of an event row, optionally qualified by a table alias. A stream read leaves
   * out the stream's key (`keyed: false`): the query has it, and every column costs the driver a
   * parse per row.
   */
  protected eventColumns(alias?: string, keyed = true): string {
    const a = alias ? `${alias}.` : '';
    const transactionId = this.hasTransactionId ? `, ${a}transaction_id` : '';
    const key = keyed ? `, ${a}tenant_id, ${a}category, ${a}stream_id` : '';
    return `${a}position${transactionId}, ${a}event_id${key}, ${a}stream_version, ${a}type, ${a}schema_version, ${this.selectJson(`${a}data`)} AS data, ${this.selectJson(`${a}metadata`)} AS metadata, ${this.selectTime(`${a}recorded_at`)} AS recorded_at`;
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
      rows.length === 1 ? PREPARED : undefined,
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
      `SELECT ${this.eventColumns(undefined, false)} FROM ${this.tables.events} WHERE ${where} ORDER BY stream_version ${order}${limit}`,
      params.values,
      PREPARED,
    );
    return rows.map((row) => toStoredEvent(row, query.stream));
  }

  async streamVersion(executor: SqlExecutor, stream: StreamKey): Promise<number> {
    const params = this.params();
    const rows = await executor.query<{ version: unknown }>(
      `SELECT version FROM ${this.tables.streams} WHERE ${this.streamWhere(params, stream)}`,
      params.values,
      PREPARED,
    );
    return rows[0] ? toNumber(rows[0].version) : 0;
  }

  /** The stream's version as last committed, for a ConcurrencyError's `actual`, even inside a
   * transaction whose snapshot is older (MySQL's repeatable read overrides it with a locking read). */
  latestStreamVersion(executor: SqlExecutor, stream: StreamKey): Promise<number> {
    return this.streamVersion(executor, stream);
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
      `SELECT tenant_id, category, stream_id, version, schema_version, ${this.selectJson('state')} AS state, ${this.selectTime('taken_at')} AS taken_at FROM ${this.tables.snapshots} WHERE ${this.streamWhere(params, stream)}`,
      params.values,
      PREPARED,
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
      `SELECT ${this.eventColumns()} FROM ${this.tables.events} WHERE position > ${after} AND position <= ${upTo}${filter} ORDER BY position LIMIT ${limit}`,
      params.values,
    );
    const events = rows.map((row) => toStoredEvent(row));
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

  /** `INSERT ...` that does nothing when the key exists (PostgreSQL and SQLite syntax). */
  protected insertIgnoring(table: string, columns: string, values: string, key: readonly string[]): string {
    return `INSERT INTO ${table} (${columns}) VALUES (${values}) ON CONFLICT (${key.join(', ')}) DO NOTHING`;
  }
  /** Row-lock suffix for a select (none on SQLite: the write lock is already exclusive). */
  protected readonly forUpdate: string = ' FOR UPDATE';

  abstract logHead(executor: SqlExecutor): Promise<LogPosition>;

  /** See BackendSession.logEnd: the head, where positions commit in order. */
  logEnd(executor: SqlExecutor): Promise<LogPosition> {
    return this.logHead(executor);
  }

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

  protected checkpointColumns(): string {
    return `transaction_id, position, lease_owner, ${this.selectTime('lease_expires_at')} AS lease_expires_at, ${this.selectTime('updated_at')} AS updated_at`;
  }

  protected toCheckpoint(row: CheckpointRow): ConsumerCheckpoint {
    return {
      position: { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) },
      leaseOwner: row.lease_owner === null || row.lease_owner === undefined ? null : String(row.lease_owner),
      leaseExpiresAt:
        row.lease_expires_at === null || row.lease_expires_at === undefined ? null : toDate(row.lease_expires_at),
      // A row never stored has no time; rows of earlier versions marked it with the epoch.
      isNew: row.updated_at === null || row.updated_at === undefined || toDate(row.updated_at).getTime() === 0,
    };
  }

  /** The database's clock, as an SQL expression of the dialect's time columns: leases are judged by it. */
  protected readonly currentTime: string = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

  async now(executor: SqlExecutor): Promise<Date> {
    const [row] = await executor.query<{ now: unknown }>(
      `SELECT ${this.selectTime(this.currentTime)} AS now`,
      [],
      PREPARED,
    );
    return toDate(row?.now);
  }

  protected consumerWhere(params: Params, consumer: ConsumerKey, alias = ''): string {
    return `${alias}tenant_id = ${params.add(consumer.tenant)} AND ${alias}consumer = ${params.add(consumer.name)}`;
  }

  async claimConsumer(
    executor: SqlExecutor,
    consumer: ConsumerKey,
    owner: string,
    leaseMs: number,
  ): Promise<ConsumerCheckpoint | undefined> {
    const { checkpoints } = this.tables;
    let params = this.params();
    // updated_at stays NULL until a checkpoint is stored: the consumer picks its start then.
    const values = `${params.add(consumer.tenant)}, ${params.add(consumer.name)}, 0, 0`;
    await executor.execute(
      this.insertIgnoring(checkpoints, 'tenant_id, consumer, transaction_id, position', values, [
        'tenant_id',
        'consumer',
      ]),
      params.values,
      PREPARED,
    );
    params = this.params();
    const [row] = await executor.query<CheckpointRow & { now: unknown }>(
      `SELECT ${this.checkpointColumns()}, ${this.selectTime(this.currentTime)} AS now FROM ${checkpoints} WHERE ${this.consumerWhere(params, consumer)}${this.forUpdate}`,
      params.values,
      PREPARED,
    );
    if (!row) return undefined;
    const current = this.toCheckpoint(row);
    const now = toDate(row.now);
    const heldByOther =
      current.leaseOwner !== null &&
      current.leaseOwner !== owner &&
      (current.leaseExpiresAt?.getTime() ?? 0) > now.getTime();
    if (heldByOther) return undefined;
    const expiresAt = new Date(now.getTime() + leaseMs);
    params = this.params();
    await executor.execute(
      `UPDATE ${checkpoints} SET lease_owner = ${params.add(owner)}, lease_expires_at = ${this.timeValue(params, expiresAt)} WHERE ${this.consumerWhere(params, consumer)}`,
      params.values,
      PREPARED,
    );
    return { ...current, leaseOwner: owner, leaseExpiresAt: expiresAt };
  }

  async storeCheckpoint(
    executor: SqlExecutor,
    consumer: ConsumerKey,
    owner: string,
    from: LogPosition,
    to: LogPosition,
  ): Promise<boolean> {
    const params = this.params();
    const moved = await executor.execute(
      `UPDATE ${this.tables.checkpoints} SET transaction_id = ${this.bigintValue(params, to.transactionId)}, position = ${this.bigintValue(params, to.position)}, updated_at = ${this.currentTime}
       WHERE ${this.consumerWhere(params, consumer)} AND lease_owner = ${params.add(owner)} AND transaction_id = ${this.bigintValue(params, from.transactionId)} AND position = ${this.bigintValue(params, from.position)}`,
      params.values,
      PREPARED,
    );
    return moved > 0;
  }

  async releaseConsumer(executor: SqlExecutor, consumer: ConsumerKey, owner: string): Promise<void> {
    const params = this.params();
    await executor.execute(
      `UPDATE ${this.tables.checkpoints} SET lease_owner = NULL, lease_expires_at = NULL WHERE ${this.consumerWhere(params, consumer)} AND lease_owner = ${params.add(owner)}`,
      params.values,
      PREPARED,
    );
  }

  async readCheckpoint(executor: SqlExecutor, consumer: ConsumerKey): Promise<ConsumerCheckpoint | undefined> {
    const params = this.params();
    const [row] = await executor.query<CheckpointRow>(
      `SELECT ${this.checkpointColumns()} FROM ${this.tables.checkpoints} WHERE ${this.consumerWhere(params, consumer)}`,
      params.values,
      PREPARED,
    );
    return row ? this.toCheckpoint(row) : undefined;
  }

  async parkEvent(executor: SqlExecutor, consumer: ConsumerKey, parked: ParkedEventToStore): Promise<void> {
    const { parked: table } = this.tables;
    let params = this.params();
    await executor.execute(
      `DELETE FROM ${table} WHERE ${this.consumerWhere(params, consumer)} AND position = ${this.bigintValue(params, parked.position)}`,
      params.values,
    );
    params = this.params();
    const values = [
      params.add(consumer.tenant),
      params.add(consumer.name),
      this.bigintValue(params, parked.position),
      params.add(parked.attempts),
      params.add(parked.error.slice(0, 4000)),
      params.add(parked.halted ? 'halted' : 'parked'),
      this.currentTime,
    ].join(', ');
    await executor.execute(
      `INSERT INTO ${table} (tenant_id, consumer, position, attempts, last_error, status, parked_at) VALUES (${values})`,
      params.values,
    );
  }

  async listParked(
    executor: SqlExecutor,
    consumer: ConsumerKey,
    limit: number,
    halted?: boolean,
  ): Promise<ParkedEvent[]> {
    const params = this.params();
    const where = `${this.consumerWhere(params, consumer, 'p.')}${
      halted === undefined ? '' : ` AND p.status = ${params.add(halted ? 'halted' : 'parked')}`
    }`;
    const rows = await executor.query<
      EventRow & { attempts: unknown; last_error: unknown; status: unknown; parked_at: unknown }
    >(
      `SELECT p.attempts, p.last_error, p.status, ${this.selectTime('p.parked_at')} AS parked_at, ${this.eventColumns('e')}
       FROM ${this.tables.parked} p JOIN ${this.tables.events} e ON e.position = p.position
       WHERE ${where} ORDER BY p.position LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => ({
      event: toStoredEvent(row),
      error: String(row.last_error ?? ''),
      attempts: toNumber(row.attempts),
      parkedAt: toDate(row.parked_at),
      halted: row.status === 'halted',
    }));
  }

  async removeParked(
    executor: SqlExecutor,
    consumer: ConsumerKey,
    positions: readonly bigint[] | undefined,
  ): Promise<number> {
    // `?` placeholders bind in textual order: the consumer's key comes first.
    const params = this.params();
    const where = this.consumerWhere(params, consumer);
    const only = positions
      ? ` AND position IN (${positions.map((position) => this.bigintValue(params, position)).join(', ') || 'NULL'})`
      : '';
    return executor.execute(`DELETE FROM ${this.tables.parked} WHERE ${where}${only}`, params.values);
  }

  /** Index hint making a locking read by id lock only those rows (MySQL: no gap locks on a
   * secondary index, which appenders inserting outbox rows would deadlock against). */
  protected readonly byPrimaryKey: string = '';
  /** Suffix of a locking read that skips rows other transactions hold (none on SQLite). */
  protected readonly skipLocked: string = ' FOR UPDATE SKIP LOCKED';

  async claimOutbox(
    executor: SqlExecutor,
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
    tenant?: string,
  ): Promise<OutboxEntry[]> {
    const { outbox } = this.tables;
    // A row never claimed is due at once: its first due time is the appender's clock, not the
    // database's, and an appender whose clock runs ahead must not hold its rows back.
    // 1. Candidate heads: each stream's first row, if it is due (a plain read, so no row another
    //    relay is locking is skipped). The first rows come from one pass over the stream index
    //    (MIN per stream), not a probe per pending row: 10,000 pending rows in 100 streams take
    //    ~6 ms instead of ~70 ms on PostgreSQL; the cost still grows with the backlog.
    let params = this.params();
    const heads = await executor.query<{ id: unknown; tenant_id: unknown; category: unknown; stream_id: unknown }>(
      `SELECT o.id, o.tenant_id, o.category, o.stream_id FROM ${outbox} o
       WHERE o.id IN (SELECT MIN(id) FROM ${outbox} GROUP BY tenant_id, category, stream_id)
         AND o.status = 'pending' AND (o.attempts = 0 OR o.next_attempt_at <= ${this.timeValue(params, now)})${this.outboxTenant(params, tenant, 'o.')}
       ORDER BY o.id LIMIT ${params.add(limit)}`,
      params.values,
    );
    if (heads.length === 0) return [];
    // 2. Lock them, skipping any another relay is claiming; re-check they are still due.
    params = this.params();
    const locked = await executor.query<{ id: unknown; tenant_id: unknown; category: unknown; stream_id: unknown }>(
      `SELECT id, tenant_id, category, stream_id FROM ${outbox}${this.byPrimaryKey}
       WHERE id IN (${heads.map((row) => this.bigintValue(params, toBigInt(row.id))).join(', ')})
         AND status = 'pending' AND (attempts = 0 OR next_attempt_at <= ${this.timeValue(params, now)})
       ORDER BY id${this.skipLocked}`,
      params.values,
    );
    if (locked.length === 0) return [];
    // 3. The rows behind each claimed head, in order. Nobody else claims rows behind a head, but
    //    they are read plainly and then locked by primary key like the heads: locking a range
    //    would take gap locks on MySQL and deadlock with appenders inserting outbox rows.
    params = this.params();
    const streams = locked
      .map((row) => `(${params.list([String(row.tenant_id), String(row.category), String(row.stream_id)])})`)
      .join(', ');
    const behind = await executor.query<{ id: unknown }>(
      `SELECT id FROM ${outbox} WHERE (tenant_id, category, stream_id) IN (${streams}) AND status = 'pending'
       ORDER BY id LIMIT ${params.add(Math.max(limit, locked.length))}`,
      params.values,
    );
    const headIds = new Set(locked.map((row) => toBigInt(row.id)));
    const followers = behind.map((row) => toBigInt(row.id)).filter((id) => !headIds.has(id));
    let lockedFollowers: bigint[] = [];
    if (followers.length > 0) {
      params = this.params();
      const rows = await executor.query<{ id: unknown }>(
        `SELECT id FROM ${outbox}${this.byPrimaryKey} WHERE id IN (${followers.map((id) => this.bigintValue(params, id)).join(', ')}) AND status = 'pending' ORDER BY id${this.skipLocked}`,
        params.values,
      );
      lockedFollowers = rows.map((row) => toBigInt(row.id));
    }
    const ids = [...headIds, ...lockedFollowers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // 4. Claim, then read them back with their events.
    params = this.params();
    const idList = () => ids.map((id) => this.bigintValue(params, id)).join(', ');
    await executor.execute(
      `UPDATE ${outbox} SET claimed_by = ${params.add(owner)}, next_attempt_at = ${this.timeValue(params, leaseUntil)}, attempts = attempts + 1 WHERE id IN (${idList()})`,
      params.values,
    );
    params = this.params();
    const entries = await executor.query<EventRow & { outbox_id: unknown; attempts: unknown }>(
      `SELECT o.id AS outbox_id, o.attempts, ${this.eventColumns('e')} FROM ${outbox} o JOIN ${this.tables.events} e ON e.position = o.position WHERE o.id IN (${idList()}) ORDER BY o.id`,
      params.values,
    );
    return entries.map((row) => ({
      id: toBigInt(row.outbox_id),
      attempts: toNumber(row.attempts),
      event: toStoredEvent(row),
    }));
  }

  async completeOutbox(executor: SqlExecutor, owner: string, ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return;
    const params = this.params();
    await executor.execute(
      `DELETE FROM ${this.tables.outbox} WHERE id IN (${ids.map((id) => this.bigintValue(params, id)).join(', ')}) AND claimed_by = ${params.add(owner)}`,
      params.values,
    );
  }

  async failOutbox(
    executor: SqlExecutor,
    owner: string,
    id: bigint,
    error: string,
    retryAt: Date | null,
  ): Promise<void> {
    // With `?` placeholders values bind in textual order: build the statement left to right.
    const params = this.params();
    const lastError = params.add(error.slice(0, 4000));
    const status = params.add(retryAt ? 'pending' : 'dead');
    const next = retryAt ? `, next_attempt_at = ${this.timeValue(params, retryAt)}` : '';
    const where = `id = ${this.bigintValue(params, id)} AND claimed_by = ${params.add(owner)}`;
    await executor.execute(
      `UPDATE ${this.tables.outbox} SET claimed_by = NULL, last_error = ${lastError}, status = ${status}${next} WHERE ${where}`,
      params.values,
    );
  }

  async releaseOutbox(executor: SqlExecutor, owner: string, ids: readonly bigint[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    const params = this.params();
    await executor.execute(
      `UPDATE ${this.tables.outbox} SET claimed_by = NULL, next_attempt_at = ${this.timeValue(params, now)}, attempts = attempts - 1
       WHERE id IN (${ids.map((id) => this.bigintValue(params, id)).join(', ')}) AND claimed_by = ${params.add(owner)}`,
      params.values,
    );
  }

  async listDeadOutbox(executor: SqlExecutor, limit: number, tenant?: string): Promise<DeadOutboxEntry[]> {
    const params = this.params();
    const rows = await executor.query<EventRow & { outbox_id: unknown; attempts: unknown; last_error: unknown }>(
      `SELECT o.id AS outbox_id, o.attempts, o.last_error, ${this.eventColumns('e')} FROM ${this.tables.outbox} o JOIN ${this.tables.events} e ON e.position = o.position
       WHERE o.status = 'dead'${this.outboxTenant(params, tenant, 'o.')} ORDER BY o.id LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((row) => ({
      id: toBigInt(row.outbox_id),
      attempts: toNumber(row.attempts),
      lastError: row.last_error === null || row.last_error === undefined ? null : String(row.last_error),
      event: toStoredEvent(row),
    }));
  }

  async reviveDeadOutbox(
    executor: SqlExecutor,
    ids: readonly bigint[] | undefined,
    now: Date,
    tenant?: string,
  ): Promise<number> {
    const params = this.params();
    const next = this.timeValue(params, now);
    const only = ids ? ` AND id IN (${ids.map((id) => this.bigintValue(params, id)).join(', ') || 'NULL'})` : '';
    return executor.execute(
      `UPDATE ${this.tables.outbox} SET status = 'pending', attempts = 0, claimed_by = NULL, next_attempt_at = ${next} WHERE status = 'dead'${only}${this.outboxTenant(params, tenant)}`,
      params.values,
    );
  }

  async purgeDeadOutbox(executor: SqlExecutor, ids: readonly bigint[] | undefined, tenant?: string): Promise<number> {
    const params = this.params();
    const only = ids ? ` AND id IN (${ids.map((id) => this.bigintValue(params, id)).join(', ') || 'NULL'})` : '';
    return executor.execute(
      `DELETE FROM ${this.tables.outbox} WHERE status = 'dead'${only}${this.outboxTenant(params, tenant)}`,
      params.values,
    );
  }

  /** ` AND tenant_id = ...` for a relay working on one tenant's rows; nothing for one on all. */
  protected outboxTenant(params: Params, tenant: string | undefined, alias = ''): string {
    return tenant === undefined ? '' : ` AND ${alias}tenant_id = ${params.add(tenant)}`;
  }

  async countOutbox(executor: SqlExecutor, tenant?: string): Promise<OutboxCounts> {
    const params = this.params();
    const rows = await executor.query<{ status: unknown; n: unknown }>(
      `SELECT status, COUNT(*) AS n FROM ${this.tables.outbox} WHERE 1 = 1${this.outboxTenant(params, tenant)} GROUP BY status`,
      params.values,
    );
    const count = (status: string) => toNumber(rows.find((row) => row.status === status)?.n ?? 0);
    return { pending: count('pending'), dead: count('dead') };
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

/**
 * A dialect whose version check and event insert are two statements (MySQL, SQLite): the check
 * moves the stream's version under its lock, and the events go in behind it.
 */
export abstract class CheckThenInsertDialect extends SqlDialect {
  /** Moves the stream's version by `count` if `expected` holds; the new version, or undefined. */
  protected abstract bumpStreamVersion(
    executor: SqlExecutor,
    stream: StreamKey,
    expected: ExpectedVersion,
    count: number,
  ): Promise<number | undefined>;

  /** Inserts the events, their first at `firstVersion`, and their outbox rows. */
  protected abstract insertEvents(
    executor: SqlExecutor,
    request: AppendRequest,
    firstVersion: number,
  ): Promise<Omit<AppendOutcome, 'version'>>;

  async appendEvents(executor: SqlExecutor, request: AppendRequest): Promise<AppendOutcome | undefined> {
    const count = request.events.length;
    const version = await this.bumpStreamVersion(executor, request.stream, request.expectedVersion, count);
    if (version === undefined) return undefined;
    return { version, ...(await this.insertEvents(executor, request, version - count + 1)) };
  }
}
