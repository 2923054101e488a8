import type { DataKeyRow } from '../../backend/index.js';
import type { SqlExecutor } from '../executor.js';
import { toDate, toNumber } from '../rows.js';
import { list, raw, sql, time, uuid } from '../template.js';
import { execute, query, type StatementContext, table } from './context.js';

interface KeyRow {
  tenant_id: unknown;
  key_id: unknown;
  subject: unknown;
  version: unknown;
  algorithm: unknown;
  master_key_id: unknown;
  wrapped_key: unknown;
  created_at: unknown;
}

function toDataKeyRow(row: KeyRow): DataKeyRow {
  return {
    tenant: String(row.tenant_id),
    // PostgreSQL's uuid type prints lower-case; the others store the text given, lower-case too.
    keyId: String(row.key_id).toLowerCase(),
    subject: String(row.subject),
    version: toNumber(row.version),
    algorithm: String(row.algorithm),
    masterKeyId: String(row.master_key_id),
    wrappedKey: String(row.wrapped_key),
    createdAt: toDate(row.created_at),
  };
}

/** Data keys of personal data (`<prefix>data_keys`), one row per (tenant, subject, version). */
export function keyStatements(context: StatementContext) {
  const { dialect } = context;
  const keys = table(context, 'dataKeys');
  const columns = raw(
    `tenant_id, key_id, subject, version, algorithm, master_key_id, wrapped_key, ${dialect.selectTime('created_at')} AS created_at`,
  );
  return {
    async findDataKey(executor: SqlExecutor, tenant: string, keyId: string): Promise<DataKeyRow | undefined> {
      const rows = await query<KeyRow>(
        executor,
        context,
        sql`SELECT ${columns} FROM ${keys} WHERE tenant_id = ${tenant} AND key_id = ${uuid(keyId)}`,
      );
      return rows[0] && toDataKeyRow(rows[0]);
    },

    /**
     * The subject's newest key. `locking`: read the latest commit whatever the transaction's
     * snapshot (after losing an insert to a concurrent transaction: MySQL's repeatable read would
     * not show the winner's row to a plain read).
     */
    async currentDataKey(
      executor: SqlExecutor,
      tenant: string,
      subject: string,
      locking: boolean,
    ): Promise<DataKeyRow | undefined> {
      const lock = raw(locking ? dialect.forShare : '');
      const rows = await query<KeyRow>(
        executor,
        context,
        sql`SELECT ${columns} FROM ${keys} WHERE tenant_id = ${tenant} AND subject = ${subject} ORDER BY version DESC LIMIT 1${lock}`,
      );
      return rows[0] && toDataKeyRow(rows[0]);
    },

    /** Inserts unless the subject has that version already; true when this row is the one stored. */
    async insertDataKey(executor: SqlExecutor, row: DataKeyRow): Promise<boolean> {
      const values = list([
        row.tenant,
        uuid(row.keyId),
        row.subject,
        row.version,
        row.algorithm,
        row.masterKeyId,
        row.wrappedKey,
        time(row.createdAt),
      ]);
      const ignore = raw(dialect.ignoreDuplicate(['tenant_id', 'subject', 'version']));
      await execute(
        executor,
        context,
        sql`INSERT INTO ${keys} (tenant_id, key_id, subject, version, algorithm, master_key_id, wrapped_key, created_at) VALUES (${values}) ${ignore}`,
      );
      // Affected-row counts of MySQL's upsert depend on the driver's flags: look for the row instead.
      const found = await query<{ found: unknown }>(
        executor,
        context,
        sql`SELECT 1 AS found FROM ${keys} WHERE tenant_id = ${row.tenant} AND key_id = ${uuid(row.keyId)}`,
      );
      return found.length > 0;
    },

    async deleteDataKeys(executor: SqlExecutor, tenant: string, subject: string): Promise<number> {
      return execute(executor, context, sql`DELETE FROM ${keys} WHERE tenant_id = ${tenant} AND subject = ${subject}`);
    },
  };
}
