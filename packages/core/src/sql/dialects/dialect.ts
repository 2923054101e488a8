import type { SqlDialectName } from '../executor.js';
import type { PlaceholderSyntax } from '../template.js';

/** What a dialect can do, which the backend and the store plan around. */
export interface DialectCapabilities {
  /** Appends to different streams run at once (PostgreSQL); elsewhere they queue on one lock. */
  readonly concurrentAppends: boolean;
  /** Reads run while a write is open (not SQLite, whose one connection holds the write lock). */
  readonly concurrentReads: boolean;
  /** An append is one statement, so atomic without a transaction or savepoint around it. */
  readonly oneStatementAppend: boolean;
  /** Events carry the writing transaction's id, and the log is read in (transaction id, position) order. */
  readonly transactionIds: boolean;
}

/**
 * One SQL dialect's syntax and capabilities, and nothing else: the statements live by concern in
 * `sql/statements/`, each dialect's variant beside the others', and ask this object how to spell
 * what differs (placeholders, casts, locking reads, the database's clock, savepoints).
 */
export interface SqlDialect extends PlaceholderSyntax {
  readonly name: SqlDialectName;
  readonly capabilities: DialectCapabilities;
  /** A select expression giving a time column as UTC text or epoch milliseconds. */
  selectTime(column: string): string;
  /** A select expression giving a JSON column as its text, which no driver parses (see `toJsonText`). */
  selectJson(column: string): string;
  /** The database's clock, as an expression of the dialect's time columns: leases are judged by it. */
  readonly currentTime: string;
  /** `ON CONFLICT (key) DO NOTHING` or its equivalent, after an `INSERT ... VALUES (...)`. */
  ignoreDuplicate(key: readonly string[]): string;
  /** Row-lock suffix of a select (none on SQLite: the write lock is already exclusive). */
  readonly forUpdate: string;
  /** Suffix of a shared locking read, which reads the latest commit whatever the snapshot (none on SQLite). */
  readonly forShare: string;
  /** Suffix of a locking read that skips rows other transactions hold (none on SQLite). */
  readonly skipLocked: string;
  /** Index hint making a locking read by id lock only those rows (MySQL: no gap locks on a
   * secondary index, which appenders inserting outbox rows would deadlock against). */
  readonly byPrimaryKey: string;
  /** Savepoints make a write inside the host's transaction all-or-nothing without ending it. */
  savepoint(name: string): string;
  releaseSavepoint(name: string): string;
  rollbackToSavepoint(name: string): string;
}

/** Values bound as they are; 64-bit integers as numbers while exact, as text beyond. */
export function encodePlain(kind: string, value: unknown): string | number | bigint | boolean | null {
  if (value instanceof Date) return value.toISOString();
  if (kind === 'bigint' && typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return value as string | number | bigint | boolean | null;
}

/** `?` placeholders, bound in the order they appear, with no casts (MySQL, SQLite). */
export const positionalPlaceholders = {
  placeholder: () => '?',
  numberedPlaceholders: false,
  cast: (_kind: string, placeholder: string) => placeholder,
} as const;

/** The standard upsert-or-skip: `ON CONFLICT (key) DO NOTHING` (PostgreSQL, SQLite). */
export const onConflictDoNothing = (key: readonly string[]) => `ON CONFLICT (${key.join(', ')}) DO NOTHING`;

/** The savepoint statements every dialect here shares. */
export const standardSavepoints = {
  savepoint: (name: string) => `SAVEPOINT ${name}`,
  releaseSavepoint: (name: string) => `RELEASE SAVEPOINT ${name}`,
  rollbackToSavepoint: (name: string) => `ROLLBACK TO SAVEPOINT ${name}`,
} as const;
