import type {
  AppendOutcome,
  AppendRequest,
  ExpectedVersion,
  LogPage,
  LogPosition,
  ReadLogQuery,
  SnapshotToStore,
} from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import type { SqlExecutor } from '../executor.js';
import { toBigInt, toNumber } from '../rows.js';
import { CheckThenInsertDialect, SqlDialect } from './dialect.js';

/**
 * SQLite. One writer at a time: a write transaction holds the database's write lock until it
 * ends, so positions (an AUTOINCREMENT key, never reused) commit in order, and a reader that
 * reads up to the committed maximum can never miss one that appears later.
 */
export class SqliteDialect extends CheckThenInsertDialect {
  readonly name = 'sqlite' as const;

  protected override readonly forUpdate = '';
  protected override readonly skipLocked = '';

  async logHead(executor: SqlExecutor): Promise<LogPosition> {
    return { transactionId: 0n, position: await this.committedHead(executor) };
  }

  private async committedHead(executor: SqlExecutor): Promise<bigint> {
    const [row] = await executor.query<{ head: unknown }>(
      `SELECT COALESCE(MAX(position), 0) AS head FROM ${this.tables.events}`,
    );
    return toBigInt(row?.head ?? 0);
  }

  protected async bumpStreamVersion(
    executor: SqlExecutor,
    stream: StreamKey,
    expected: ExpectedVersion,
    count: number,
  ): Promise<number | undefined> {
    const { streams } = this.tables;
    const params = this.params();
    let sql: string;
    if (expected === 'no_stream' || expected === 0 || expected === 'any') {
      const values = params.list([stream.tenant, stream.category, stream.id, count]);
      const onConflict = expected === 'any' ? 'DO UPDATE SET version = version + excluded.version' : 'DO NOTHING';
      sql = `INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${values}) ON CONFLICT (tenant_id, category, stream_id) ${onConflict} RETURNING version`;
    } else {
      const n = params.add(count);
      const where = this.streamWhere(params, stream);
      const condition = expected === 'stream_exists' ? 'version > 0' : `version = ${params.add(expected)}`;
      sql = `UPDATE ${streams} SET version = version + ${n} WHERE ${where} AND ${condition} RETURNING version`;
    }
    const rows = await executor.query<{ version: unknown }>(sql, params.values);
    return rows[0] ? toNumber(rows[0].version) : undefined;
  }

  protected async insertEvents(
    executor: SqlExecutor,
    request: AppendRequest,
    firstVersion: number,
  ): Promise<Omit<AppendOutcome, 'version'>> {
    const params = this.params();
    const values = this.eventValues(params, request, firstVersion);
    const rows = await executor.query<{ event_id: unknown; position: unknown }>(
      `INSERT INTO ${this.tables.events} (${SqlDialect.INSERT_COLUMNS}) VALUES ${values} RETURNING event_id, position`,
      params.values,
    );
    const byId = new Map(rows.map((row) => [String(row.event_id), toBigInt(row.position)]));
    const positions = request.events.map((event) => byId.get(event.eventId) as bigint);
    await this.insertOutbox(executor, request, firstVersion, positions);
    return { positions, transactionId: 0n };
  }

  async readLog(executor: SqlExecutor, query: ReadLogQuery): Promise<LogPage> {
    return this.readLogUpTo(executor, query, await this.committedHead(executor));
  }

  async saveSnapshot(executor: SqlExecutor, snapshot: SnapshotToStore): Promise<void> {
    const params = this.params();
    const { snapshots } = this.tables;
    await executor.execute(
      `INSERT INTO ${snapshots} (tenant_id, category, stream_id, version, schema_version, state, taken_at) VALUES (${this.snapshotValues(params, snapshot)})
       ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = excluded.version, schema_version = excluded.schema_version, state = excluded.state, taken_at = excluded.taken_at
       WHERE ${snapshots}.version <= excluded.version`,
      params.values,
    );
  }
}
