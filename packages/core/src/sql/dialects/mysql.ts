import type { SqlParam } from '../executor.js';
import { encodePlain, positionalPlaceholders, type SqlDialect, standardSavepoints } from './dialect.js';

/**
 * MySQL and MariaDB: `?` placeholders, times bound as `YYYY-MM-DD HH:MM:SS.sss` (UTC) for
 * DATETIME(3) columns, JSON read back as utf8mb4 text, `FOR UPDATE SKIP LOCKED` with a primary
 * key hint. Appends queue on the log-head row (see statements/append.ts), so they never run at once.
 */
export const mysql: SqlDialect = {
  name: 'mysql',
  capabilities: { concurrentAppends: false, concurrentReads: true, oneStatementAppend: false, transactionIds: false },
  ...positionalPlaceholders,
  encode(kind, value): SqlParam {
    if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
    return encodePlain(kind, value);
  },
  selectTime: (column) => `DATE_FORMAT(${column}, '%Y-%m-%d %H:%i:%s.%f')`,
  // MySQL has no CAST AS TEXT; the character set is named so the connection's cannot narrow it.
  selectJson: (column) => `CAST(${column} AS CHAR CHARACTER SET utf8mb4)`,
  currentTime: 'UTC_TIMESTAMP(3)',
  ignoreDuplicate: (key) => `ON DUPLICATE KEY UPDATE ${key[0]} = ${key[0]}`,
  forUpdate: ' FOR UPDATE',
  forShare: ' LOCK IN SHARE MODE',
  skipLocked: ' FOR UPDATE SKIP LOCKED',
  byPrimaryKey: ' FORCE INDEX (PRIMARY)',
  ...standardSavepoints,
};
