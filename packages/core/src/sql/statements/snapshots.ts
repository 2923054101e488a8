import type { SnapshotToStore, StoredSnapshot } from '../../backend/index.js';
import type { StreamKey } from '../../streams/index.js';
import { PREPARED, type SqlDialectName, type SqlExecutor } from '../executor.js';
import { type SnapshotRow, toStoredSnapshot } from '../rows.js';
import { json, list, raw, type SqlFragment, sql, time } from '../template.js';
import { execute, query, type StatementContext, streamWhere, table } from './context.js';

/**
 * What a snapshot insert does when the stream has one already: replace it unless it is newer
 * (a slower writer's older snapshot never replaces a newer one), each dialect's way.
 */
const ON_EXISTING: Record<SqlDialectName, (snapshots: SqlFragment) => SqlFragment> = {
  postgres: (snapshots) => sql`
       ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state, taken_at = EXCLUDED.taken_at
       WHERE ${snapshots}.version <= EXCLUDED.version`,
  // Assignments run left to right: compare against the old version before replacing it.
  mysql: () => sql`
       ON DUPLICATE KEY UPDATE
         schema_version = IF(VALUES(version) >= version, VALUES(schema_version), schema_version),
         state = IF(VALUES(version) >= version, VALUES(state), state),
         taken_at = IF(VALUES(version) >= version, VALUES(taken_at), taken_at),
         version = IF(VALUES(version) >= version, VALUES(version), version)`,
  sqlite: (snapshots) => sql`
       ON CONFLICT (tenant_id, category, stream_id) DO UPDATE SET version = excluded.version, schema_version = excluded.schema_version, state = excluded.state, taken_at = excluded.taken_at
       WHERE ${snapshots}.version <= excluded.version`,
};

export function snapshotStatements(context: StatementContext) {
  const { dialect } = context;
  const snapshots = table(context, 'snapshots');
  return {
    async saveSnapshot(executor: SqlExecutor, snapshot: SnapshotToStore): Promise<void> {
      const { stream } = snapshot;
      const values = list([
        stream.tenant,
        stream.category,
        stream.id,
        snapshot.version,
        snapshot.schemaVersion,
        json(snapshot.state),
        time(snapshot.takenAt),
      ]);
      await execute(
        executor,
        context,
        sql`INSERT INTO ${snapshots} (tenant_id, category, stream_id, version, schema_version, state, taken_at) VALUES (${values})${ON_EXISTING[dialect.name](snapshots)}`,
        // Marked where the driver prepares it (the text is fixed); unmarked elsewhere, as before.
        dialect.name === 'postgres' ? PREPARED : undefined,
      );
    },

    async loadSnapshot(executor: SqlExecutor, stream: StreamKey): Promise<StoredSnapshot | undefined> {
      const columns = raw(
        `tenant_id, category, stream_id, version, schema_version, ${dialect.selectJson('state')} AS state, ${dialect.selectTime('taken_at')} AS taken_at`,
      );
      const rows = await query<SnapshotRow>(
        executor,
        context,
        sql`SELECT ${columns} FROM ${snapshots} WHERE ${streamWhere(stream)}`,
        PREPARED,
      );
      return rows[0] ? toStoredSnapshot(rows[0]) : undefined;
    },
  };
}
