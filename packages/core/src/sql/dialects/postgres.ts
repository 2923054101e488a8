import type {
  AppendRequest,
  ConsumerCheckpoint,
  ExpectedVersion,
  LogFilter,
  LogPage,
  LogPosition,
  OldestTransaction,
  ReadLogQuery,
  SnapshotToStore,
} from '../../backend/index.js';
import { LOG_START } from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlExecutor } from '../executor.js';
import { type EventRow, toBigInt, toNumber, toStoredEvent } from '../rows.js';
import { type CheckpointRow, type InsertedEvents, type Params, SqlDialect } from './dialect.js';

interface InsertedRow {
  event_id: unknown;
  position: unknown;
  transaction_id: unknown;
}

/**
 * PostgreSQL. Positions come from an identity column, so they are allocated at insert time and
 * can commit out of order: a transaction that took position 10 may commit after the one that
 * took 11. Each event therefore records its writing transaction (`pg_current_xact_id()`), and the
 * log is read in (transaction id, position) order, only below the snapshot's xmin: every
 * transaction with a smaller id has finished, so nothing can still appear behind the cursor.
 * The cost: one long-open writing transaction holds every log reader back until it ends.
 */
export class PostgresDialect extends SqlDialect {
  readonly name = 'postgres' as const;
  protected override readonly hasTransactionId = true;

  protected override placeholder(index: number): string {
    return `$${index}`;
  }

  protected override timeValue(params: Params, date: Date): string {
    return `${params.add(date.toISOString())}::timestamptz`;
  }

  protected override jsonValue(params: Params, json: string): string {
    return `${params.add(json)}::jsonb`;
  }

  protected override uuidValue(params: Params, uuid: string): string {
    return `${params.add(uuid)}::uuid`;
  }

  protected override selectTime(column: string): string {
    return `(extract(epoch from ${column}) * 1000)::bigint`;
  }

  /** The horizon: everything before (xmin, 0) is settled. */
  async logHead(executor: SqlExecutor): Promise<LogPosition> {
    const [row] = await executor.query<{ horizon: unknown }>(
      'SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon',
      [],
      PREPARED,
    );
    return { transactionId: toBigInt(row?.horizon ?? 0), position: 0n };
  }

  /** The greatest committed (transaction id, position), wherever the horizon stands. */
  override async logEnd(executor: SqlExecutor): Promise<LogPosition> {
    const [row] = await executor.query<{ transaction_id: unknown; position: unknown }>(
      `SELECT transaction_id, position FROM ${this.tables.events} ORDER BY transaction_id DESC, position DESC LIMIT 1`,
    );
    return row ? { transactionId: toBigInt(row.transaction_id), position: toBigInt(row.position) } : LOG_START;
  }

  override async countLog(executor: SqlExecutor, after: LogPosition, filter: LogFilter): Promise<number> {
    const params = this.params();
    const tx = this.bigintValue(params, after.transactionId);
    const position = this.bigintValue(params, after.position);
    const where = this.logFilter(params, { filter });
    const [row] = await executor.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM ${this.tables.events} WHERE (transaction_id, position) > (${tx}, ${position})${where}`,
      params.values,
    );
    return toNumber(row?.n ?? 0);
  }

  /** The oldest transaction holding an xid: while it is open, log readers wait behind it. */
  override async oldestOpenTransaction(executor: SqlExecutor): Promise<OldestTransaction | undefined> {
    const [row] = await executor.query<{ pid: unknown; xid: unknown; age_ms: unknown; state: unknown; query: unknown }>(
      `SELECT pid, backend_xid::text AS xid, (extract(epoch from clock_timestamp() - xact_start) * 1000)::bigint AS age_ms, state, left(query, 200) AS query
       FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY age(backend_xid) DESC LIMIT 1`,
    );
    if (!row) return undefined;
    return {
      pid: toNumber(row.pid),
      transactionId: toBigInt(row.xid),
      ageMs: toNumber(row.age_ms),
      state: String(row.state),
      query: String(row.query),
    };
  }

  protected override bigintValue(params: Params, value: bigint): string {
    return `${params.add(value.toString())}::bigint`;
  }

  async bumpStreamVersion(
    executor: SqlExecutor,
    stream: StreamKey,
    expected: ExpectedVersion,
    count: number,
  ): Promise<number | undefined> {
    const { streams } = this.tables;
    const params = this.params();
    const key = `${params.add(stream.tenant)}, ${params.add(stream.category)}, ${params.add(stream.id)}`;
    const n = params.add(count);
    let sql: string;
    if (expected === 'no_stream' || expected === 0) {
      // A concurrent insert of the same key waits for the first to commit, then does nothing.
      sql = `INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${key}, ${n}) ON CONFLICT (tenant_id, category, stream_id) DO NOTHING RETURNING version`;
    } else if (expected === 'any') {
      sql = `INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${key}, ${n}) ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = ${streams}.version + EXCLUDED.version RETURNING version`;
    } else {
      // The row lock taken here serializes writers of one stream; a waiter re-checks the
      // condition against the committed version (READ COMMITTED) and so loses cleanly.
      const condition = expected === 'stream_exists' ? 'version > 0' : `version = ${params.add(expected)}`;
      sql = `UPDATE ${streams} SET version = version + ${n} WHERE tenant_id = $1 AND category = $2 AND stream_id = $3 AND ${condition} RETURNING version`;
    }
    // One of four texts (one per kind of expected version).
    const rows = await executor.query<{ version: unknown }>(sql, params.values, PREPARED);
    return rows[0] ? toNumber(rows[0].version) : undefined;
  }

  /**
   * A single event is a plain `INSERT ... VALUES`, the cheapest statement for PostgreSQL to plan.
   * A batch travels as one JSON array in one bound value (data and metadata are JSON text
   * already, embedded as they are): the statement's text is the same for 2 or 1,000 events, it
   * plans cheaply, and no ORM has to bind thousands of values (100 events: ~4.5 ms as VALUES,
   * ~2 ms as JSON, raw node-postgres on the bench machine). Its outbox rows, if any, are written
   * by the same statement.
   */
  async insertEvents(executor: SqlExecutor, request: AppendRequest, firstVersion: number): Promise<InsertedEvents> {
    const single = request.events.length === 1;
    const rows = single
      ? await this.insertValues(executor, request, firstVersion)
      : await this.insertBatch(executor, request, firstVersion);
    const byId = new Map(rows.map((row) => [String(row.event_id), toBigInt(row.position)]));
    const positions = request.events.map((event) => byId.get(event.eventId) as bigint);
    // The batch statement wrote its outbox rows itself.
    if (single) await this.insertOutbox(executor, request, firstVersion, positions);
    return { positions, transactionId: toBigInt(rows[0]?.transaction_id ?? 0) };
  }

  private insertValues(executor: SqlExecutor, request: AppendRequest, firstVersion: number) {
    const params = this.params();
    const values = this.eventValues(params, request, firstVersion, () => ['pg_current_xact_id()::text::bigint']);
    return executor.query<InsertedRow>(
      `INSERT INTO ${this.tables.events} (transaction_id, ${SqlDialect.INSERT_COLUMNS}) VALUES ${values} RETURNING event_id::text AS event_id, position, transaction_id`,
      params.values,
      PREPARED,
    );
  }

  private insertBatch(executor: SqlExecutor, request: AppendRequest, firstVersion: number) {
    const { events, outbox } = this.tables;
    const batch = `[${request.events
      .map(
        (event) =>
          `{"id":${JSON.stringify(event.eventId)},"type":${JSON.stringify(event.type)},"schema":${event.schemaVersion},"outbox":${event.outbox},"data":${event.data},"metadata":${event.metadata}}`,
      )
      .join(',')}]`;
    const params = this.params();
    const p = {
      batch: params.add(batch),
      tenant: params.add(request.stream.tenant),
      category: params.add(request.stream.category),
      stream: params.add(request.stream.id),
      before: params.add(firstVersion - 1),
      at: this.timeValue(params, request.recordedAt),
    };
    const queued = request.events.some((event) => event.outbox)
      ? `, queued AS (
         INSERT INTO ${outbox} (position, event_id, tenant_id, category, stream_id, stream_version, attempts, next_attempt_at, status, created_at)
         SELECT i.position, i.event_id, ${p.tenant}, ${p.category}, ${p.stream}, i.stream_version, 0, ${p.at}, 'pending', ${p.at}
         FROM inserted i JOIN batch b ON b.n = i.stream_version - ${p.before}::int
         WHERE (b.e->>'outbox')::boolean ORDER BY i.position)`
      : '';
    return executor.query<InsertedRow>(
      `WITH batch AS (SELECT e, n::int AS n FROM jsonb_array_elements(${p.batch}::jsonb) WITH ORDINALITY AS b(e, n)),
       inserted AS (
         INSERT INTO ${events} (transaction_id, ${SqlDialect.INSERT_COLUMNS})
         SELECT pg_current_xact_id()::text::bigint, (e->>'id')::uuid, ${p.tenant}, ${p.category}, ${p.stream}, ${p.before}::int + n, e->>'type', (e->>'schema')::int, e->'data', e->'metadata', ${p.at}
         FROM batch ORDER BY n
         RETURNING position, event_id, stream_version, transaction_id)${queued}
       SELECT event_id::text AS event_id, position, transaction_id FROM inserted`,
      params.values,
      PREPARED,
    );
  }

  async readLog(executor: SqlExecutor, query: ReadLogQuery): Promise<LogPage> {
    const params = this.params();
    const afterTx = this.bigintValue(params, query.after.transactionId);
    const afterPosition = this.bigintValue(params, query.after.position);
    const filter = this.logFilter(params, query);
    const limit = params.add(query.limit);
    // One round trip: the horizon, whether committed events wait at or above it, and the events
    // below it (a LEFT JOIN keeps the horizon row when there are none).
    const rows = await executor.query<EventRow & { horizon: unknown; held_back: unknown }>(
      `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon),
       b AS (SELECT h.horizon, EXISTS (SELECT 1 FROM ${this.tables.events} WHERE transaction_id >= h.horizon${filter}) AS held_back FROM h)
       SELECT b.horizon, b.held_back, e.* FROM b LEFT JOIN LATERAL (
         SELECT ${this.eventColumns()} FROM ${this.tables.events}
         WHERE (transaction_id, position) > (${afterTx}, ${afterPosition}) AND transaction_id < b.horizon${filter}
         ORDER BY transaction_id, position LIMIT ${limit}
       ) e ON true ORDER BY e.transaction_id, e.position`,
      params.values,
      PREPARED,
    );
    const horizon = toBigInt(rows[0]?.horizon ?? 0);
    const heldBack = rows[0]?.held_back === true || rows[0]?.held_back === 't';
    const events = rows.filter((row) => row.position !== null && row.position !== undefined).map(toStoredEvent);
    const last = events.at(-1);
    if (events.length >= query.limit && last) {
      return { events, next: { transactionId: last.transactionId, position: last.position }, heldBack };
    }
    // Not a full page: everything below the horizon after the cursor has been seen.
    const next = query.after.transactionId >= horizon ? query.after : { transactionId: horizon, position: 0n };
    return { events, next, heldBack };
  }

  /**
   * One statement instead of three (create the row, lock it, take the lease): the upsert locks the
   * row, and its WHERE is checked against the latest committed lease, so of two claimers racing
   * for a free consumer one gets the row back and the other none.
   */
  override async claimConsumer(
    executor: SqlExecutor,
    name: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<ConsumerCheckpoint | undefined> {
    const { checkpoints } = this.tables;
    const params = this.params();
    const consumer = params.add(name);
    const leaseOwner = params.add(owner);
    // updated_at = the epoch marks a row never stored (the consumer picks its start then).
    const never = this.timeValue(params, new Date(0));
    const expiresAt = this.timeValue(params, new Date(now.getTime() + leaseMs));
    const at = this.timeValue(params, now);
    const [row] = await executor.query<CheckpointRow>(
      `INSERT INTO ${checkpoints} AS c (consumer, transaction_id, position, updated_at, lease_owner, lease_expires_at)
       VALUES (${consumer}, 0, 0, ${never}, ${leaseOwner}, ${expiresAt})
       ON CONFLICT (consumer) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_expires_at = EXCLUDED.lease_expires_at
       WHERE c.lease_owner IS NULL OR c.lease_owner = EXCLUDED.lease_owner OR c.lease_expires_at IS NULL OR c.lease_expires_at <= ${at}
       RETURNING ${this.checkpointColumns()}`,
      params.values,
      PREPARED,
    );
    return row ? this.toCheckpoint(row) : undefined;
  }

  async saveSnapshot(executor: SqlExecutor, snapshot: SnapshotToStore): Promise<void> {
    const params = this.params();
    const { snapshots } = this.tables;
    await executor.execute(
      `INSERT INTO ${snapshots} (tenant_id, category, stream_id, version, schema_version, state, taken_at) VALUES (${this.snapshotValues(params, snapshot)})
       ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state, taken_at = EXCLUDED.taken_at
       WHERE ${snapshots}.version <= EXCLUDED.version`,
      params.values,
      PREPARED,
    );
  }
}
