import type {
  AppendOutcome,
  AppendRequest,
  ExpectedVersion,
  LogPage,
  LogPosition,
  ReadLogQuery,
  SnapshotToStore,
} from '../../backend/index.js';
import { expectedVersionHolds } from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import type { SqlExecutor } from '../executor.js';
import { toBigInt, toNumber } from '../rows.js';
import { mysqlNameCollationStatements, type NameColumn, nameColumns } from '../tables.js';
import { CheckThenInsertDialect, type Params, type SchemaMismatch, SqlDialect } from './dialect.js';

/**
 * MySQL and MariaDB. There is no snapshot horizon to read, so commit order is made equal to
 * position order instead: positions are allocated by incrementing the single `log_head` row,
 * whose row lock is held until the appending transaction ends. The next appender waits for that
 * lock, so it can only take higher positions after every lower one has committed or rolled back
 * (a rollback restores the counter). A reader then never sees position n+1 without n.
 * The cost: appends to the global log are serialized for the length of each appending
 * transaction, so keep transactions that append short.
 *
 * Affected-row counts are not trusted here (drivers differ on CLIENT_FOUND_ROWS); versions are
 * read back under the stream's row lock instead.
 */
export class MysqlDialect extends CheckThenInsertDialect {
  readonly name = 'mysql' as const;

  protected override timeValue(params: Params, date: Date): string {
    return params.add(date.toISOString().replace('T', ' ').replace('Z', ''));
  }

  protected override selectTime(column: string): string {
    return `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')`;
  }

  /** Name columns that fold case: on them `acc-A` and `acc-a` would be one stream. */
  override async schemaMismatch(executor: SqlExecutor): Promise<SchemaMismatch | undefined> {
    const folding = await this.foldingNameColumns(executor);
    if (folding.length === 0) return undefined;
    const list = folding.map((column) => `${column.table}.${column.column}`).join(', ');
    return {
      problem: `${list} fold case and accents, so names differing only in case would be one stream; run the statements in \`fix\` (mysqlNameCollationStatements) as a migration`,
      fix: mysqlNameCollationStatements(this.tables),
    };
  }

  /**
   * The name columns whose collation folds case or accents (tables created by an earlier version,
   * or by a tool that cannot set a collation). A table not found here is left to fail as missing.
   */
  async foldingNameColumns(executor: SqlExecutor): Promise<NameColumn[]> {
    const columns = nameColumns(this.tables);
    const params = this.params();
    const tables = params.list([...new Set(columns.map((column) => column.table))]);
    const rows = await executor.query<{ table_name: unknown; column_name: unknown; collation_name: unknown }>(
      `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLLATION_NAME AS collation_name
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables})`,
      params.values,
    );
    const collation = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, String(row.collation_name)]));
    return columns.filter((column) => {
      const found = collation.get(`${column.table}.${column.column}`);
      return found !== undefined && !found.endsWith('_bin');
    });
  }

  /** MySQL has no CAST AS TEXT; the character set is named so the connection's cannot narrow it. */
  protected override selectJson(column: string): string {
    return `CAST(${column} AS CHAR CHARACTER SET utf8mb4)`;
  }

  protected override readonly byPrimaryKey = ' FORCE INDEX (PRIMARY)';

  /** A locking read sees the latest commit, where a plain one in a transaction that has read
   * already sees its snapshot. */
  override async latestStreamVersion(executor: SqlExecutor, stream: StreamKey): Promise<number> {
    const params = this.params();
    const rows = await executor.query<{ version: unknown }>(
      `SELECT version FROM ${this.tables.streams} WHERE ${this.streamWhere(params, stream)} FOR UPDATE`,
      params.values,
    );
    return rows[0] ? toNumber(rows[0].version) : 0;
  }

  protected override insertIgnoring(table: string, columns: string, values: string, key: readonly string[]): string {
    return `INSERT INTO ${table} (${columns}) VALUES (${values}) ON DUPLICATE KEY UPDATE ${key[0]} = ${key[0]}`;
  }

  protected override readonly currentTime = 'UTC_TIMESTAMP(3)';

  async logHead(executor: SqlExecutor): Promise<LogPosition> {
    return { transactionId: 0n, position: await this.committedHead(executor) };
  }

  private async committedHead(executor: SqlExecutor): Promise<bigint> {
    const [row] = await executor.query<{ head: unknown }>(
      `SELECT position AS head FROM ${this.tables.logHead} WHERE id = 1`,
    );
    return row ? toBigInt(row.head) : 0n;
  }

  protected async bumpStreamVersion(
    executor: SqlExecutor,
    stream: StreamKey,
    expected: ExpectedVersion,
    count: number,
  ): Promise<number | undefined> {
    const { streams } = this.tables;
    // 1. Make sure the row exists and hold its lock. A locking read of a missing row would take
    //    a gap lock, and two such appenders then deadlock on insert; this upsert does not.
    let params = this.params();
    await executor.execute(
      `INSERT INTO ${streams} (tenant_id, category, stream_id, version) VALUES (${params.list([stream.tenant, stream.category, stream.id])}, 0) ON DUPLICATE KEY UPDATE version = version`,
      params.values,
    );
    // 2. The current version, read under that lock (a locking read sees the latest commit).
    params = this.params();
    const rows = await executor.query<{ version: unknown }>(
      `SELECT version FROM ${streams} WHERE ${this.streamWhere(params, stream)} FOR UPDATE`,
      params.values,
    );
    const current = toNumber(rows[0]?.version ?? 0);
    if (!expectedVersionHolds(expected, current)) return undefined;
    // 3. Move it.
    params = this.params();
    const next = current + count;
    const set = params.add(next);
    await executor.execute(
      `UPDATE ${streams} SET version = ${set} WHERE ${this.streamWhere(params, stream)}`,
      params.values,
    );
    return next;
  }

  protected async insertEvents(
    executor: SqlExecutor,
    request: AppendRequest,
    firstVersion: number,
  ): Promise<Omit<AppendOutcome, 'version'>> {
    const count = request.events.length;
    // Allocate `count` positions under the log_head row lock (held until this transaction ends).
    await executor.execute(
      `INSERT INTO ${this.tables.logHead} (id, position) VALUES (1, LAST_INSERT_ID(?)) ON DUPLICATE KEY UPDATE position = LAST_INSERT_ID(position + ?)`,
      [count, count],
    );
    const [head] = await executor.query<{ last: unknown }>('SELECT LAST_INSERT_ID() AS last');
    const last = toBigInt(head?.last);
    const first = last - BigInt(count) + 1n;
    const positions = request.events.map((_, index) => first + BigInt(index));
    const params = this.params();
    const values = this.eventValues(params, request, firstVersion, (index) => [
      this.bigintValue(params, positions[index] as bigint),
    ]);
    await executor.execute(
      `INSERT INTO ${this.tables.events} (position, ${SqlDialect.INSERT_COLUMNS}) VALUES ${values}`,
      params.values,
    );
    await this.insertOutbox(executor, request, firstVersion, positions);
    return { positions, transactionId: 0n };
  }

  async readLog(executor: SqlExecutor, query: ReadLogQuery): Promise<LogPage> {
    // The committed head, read before the events: everything at or below a committed head is
    // committed (see the class comment), so nothing at or below it can appear later.
    return this.readLogUpTo(executor, query, await this.committedHead(executor));
  }

  async saveSnapshot(executor: SqlExecutor, snapshot: SnapshotToStore): Promise<void> {
    const params = this.params();
    // Assignments run left to right: compare against the old version before replacing it.
    await executor.execute(
      `INSERT INTO ${this.tables.snapshots} (tenant_id, category, stream_id, version, schema_version, state, taken_at) VALUES (${this.snapshotValues(params, snapshot)})
       ON DUPLICATE KEY UPDATE
         schema_version = IF(VALUES(version) >= version, VALUES(schema_version), schema_version),
         state = IF(VALUES(version) >= version, VALUES(state), state),
         taken_at = IF(VALUES(version) >= version, VALUES(taken_at), taken_at),
         version = IF(VALUES(version) >= version, VALUES(version), version)`,
      params.values,
    );
  }
}
