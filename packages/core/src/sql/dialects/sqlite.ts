import {
  encodePlain,
  onConflictDoNothing,
  positionalPlaceholders,
  type SqlDialect,
  standardSavepoints,
} from './dialect.js';

/**
 * SQLite: `?` placeholders, times stored as ISO-8601 text, no row locks (one writer at a time
 * holds the database's write lock, so positions commit in order and locking reads need no suffix).
 */
export const sqlite: SqlDialect = {
  name: 'sqlite',
  capabilities: { concurrentAppends: false, concurrentReads: false, oneStatementAppend: false, transactionIds: false },
  ...positionalPlaceholders,
  encode: encodePlain,
  selectTime: (column) => column,
  // No driver parses a SQLite column; a number (a column of numeric affinity) is read as its text.
  selectJson: (column) => column,
  currentTime: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
  ignoreDuplicate: onConflictDoNothing,
  forUpdate: '',
  forShare: '',
  skipLocked: '',
  byPrimaryKey: '',
  ...standardSavepoints,
};
