export { type InsertedEvents, Params, SqlDialect } from './dialects/dialect.js';
export { MysqlDialect } from './dialects/mysql.js';
export { PostgresDialect } from './dialects/postgres.js';
export { SqliteDialect } from './dialects/sqlite.js';
export { classifySqlError, type SqlErrorKind } from './errors.js';
export type { SqlConnection, SqlDialectName, SqlExecutor, SqlParam } from './executor.js';
export { toBigInt, toDate, toJson, toNumber } from './rows.js';
export { createDialect, createSqlBackend, type SqlBackend, type SqlBackendOptions } from './sqlBackend.js';
export { DEFAULT_TABLE_PREFIX, type TableNames, tableNames } from './tables.js';
