import type { SqlParam } from '../executor.js';
import type { ValueKind } from '../template.js';
import { onConflictDoNothing, type SqlDialect, standardSavepoints } from './dialect.js';

const CASTS: Record<ValueKind, string> = {
  plain: '',
  time: '::timestamptz',
  json: '::jsonb',
  uuid: '::uuid',
  bigint: '::bigint',
};

/**
 * PostgreSQL: numbered placeholders, typed by casts (a time goes as ISO-8601 text, a 64-bit
 * integer as its decimal text), `FOR UPDATE SKIP LOCKED`, transaction ids on every event so that
 * the log can be read below the snapshot's horizon (see statements/log.ts), one-statement appends.
 */
export const postgres: SqlDialect = {
  name: 'postgres',
  capabilities: { concurrentAppends: true, concurrentReads: true, oneStatementAppend: true, transactionIds: true },
  placeholder: (index) => `$${index}`,
  numberedPlaceholders: true,
  cast: (kind, placeholder) => placeholder + CASTS[kind],
  encode(kind, value): SqlParam {
    if (value instanceof Date) return value.toISOString();
    if (kind === 'bigint' && typeof value === 'bigint') return value.toString();
    return value;
  },
  // As a float8, drivers hand epoch milliseconds over as a number (a bigint comes as text).
  selectTime: (column) => `(extract(epoch from ${column}) * 1000)::float8`,
  selectJson: (column) => `CAST(${column} AS TEXT)`,
  currentTime: 'clock_timestamp()',
  ignoreDuplicate: onConflictDoNothing,
  forUpdate: ' FOR UPDATE',
  forShare: ' FOR SHARE',
  skipLocked: ' FOR UPDATE SKIP LOCKED',
  byPrimaryKey: '',
  ...standardSavepoints,
};
