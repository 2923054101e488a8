/**
 * Drivers and ORMs wrap database errors differently (pg's `code`, mysql2's `errno`, Prisma's
 * `meta.code`, TypeORM's `driverError`, MikroORM's `cause` ...). This walks the wrappers once so
 * the write path can turn races into ConcurrencyError instead of leaking a driver error.
 */
/**
 * `lock_conflict`: a deadlock victim, a serialization failure or a lock wait that timed out; each
 * is worth running again once its transaction is rolled back. `busy`: SQLite's write lock is held.
 */
export type SqlErrorKind = 'unique_violation' | 'lock_conflict' | 'busy' | 'other';

const UNIQUE = new Set(['23505', '1062', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const LOCK_CONFLICT = new Set(['40P01', '40001', '55P03', '1213', 'ER_LOCK_DEADLOCK', '1205', 'ER_LOCK_WAIT_TIMEOUT']);
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

export function classifySqlError(error: unknown): SqlErrorKind {
  const seen = new Set<unknown>();
  let current: unknown = error;
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const value of [record.code, record.errno, record.sqlState, record.originalCode]) {
      const code = value === undefined || value === null ? undefined : String(value);
      if (code === undefined) continue;
      if (UNIQUE.has(code)) return 'unique_violation';
      if (LOCK_CONFLICT.has(code)) return 'lock_conflict';
      if (BUSY.has(code)) return 'busy';
    }
    const message = typeof record.message === 'string' ? record.message : '';
    if (/UNIQUE constraint failed|duplicate key value|Duplicate entry/i.test(message)) return 'unique_violation';
    if (/database is locked|SQLITE_BUSY/i.test(message)) return 'busy';
    if (/deadlock/i.test(message)) return 'lock_conflict';
    // Prisma's driver adapters: `meta.driverAdapterError.cause.code`.
    queue.push(
      record.cause,
      record.driverError,
      record.meta,
      record.driverAdapterError,
      record.originalError,
      record.previous,
    );
  }
  return 'other';
}
