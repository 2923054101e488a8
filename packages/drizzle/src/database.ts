import type { MySqlDatabase } from 'drizzle-orm/mysql-core';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';

/**
 * A Drizzle database the backend runs on: node-postgres, mysql2, or better-sqlite3 (SQLite's
 * synchronous driver: the backend runs its own `BEGIN IMMEDIATE` transactions there).
 */
export type DrizzleDatabase = DrizzlePgDatabase | DrizzleMySqlDatabase | DrizzleSqliteDatabase;

/** A Drizzle database on node-postgres, of any schema. */
export type DrizzlePgDatabase = PgDatabase<Any, Any, Any>;
/** A Drizzle database on mysql2, of any schema. */
export type DrizzleMySqlDatabase = MySqlDatabase<Any, Any, Any, Any>;
/** A Drizzle database on better-sqlite3 (synchronous), of any schema. */
export type DrizzleSqliteDatabase = BaseSQLiteDatabase<'sync', Any, Any, Any>;

/** Drizzle's own type parameters (driver result types, schema): any, as Drizzle's types need. */
// biome-ignore lint/suspicious/noExplicitAny: a database of any schema and any driver is accepted
type Any = any;

/**
 * The transaction your database's own `db.transaction(tx => ...)` gives, schema included
 * (`NodePgDatabase<typeof schema>` gives `PgTransaction<NodePgQueryResultHKT, typeof schema, ...>`):
 * what `runInTransaction` and a projection's `context.transaction` hand you, and what
 * `store.withTransaction(tx)` takes.
 */
export type DrizzleTransactionOf<TDatabase extends DrizzleDatabase> = TDatabase extends {
  transaction(work: (tx: infer Transaction, ...rest: Any[]) => Any, ...rest: Any[]): Any;
}
  ? Transaction
  : never;
