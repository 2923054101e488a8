export { type DialectCapabilities, type SqlDialect, sqlDialect } from './dialects/index.js';
export { classifySqlError, type SqlErrorKind } from './errors.js';
export {
  PREPARED,
  type SqlConnection,
  type SqlDialectName,
  type SqlExecutor,
  type SqlParam,
  type StatementOptions,
} from './executor.js';
export { driverStatement, NamedStatement, statementName } from './namedStatement.js';
export { isNodePostgresPool, type NodePostgresQueryable, nodePostgresExecutor } from './nodePostgres.js';
export { canCopy, copyIn, type NodePostgresCopyClient } from './nodePostgresCopy.js';
export { notificationChannel, type PgListenClient, postgresWakeUp } from './postgresWakeUp.js';
export { toBigInt, toDate, toJsonText, toNumber } from './rows.js';
export {
  createSqlBackend,
  type SqlBackend,
  type SqlBackendOptions,
  type SqlStoreOptions,
} from './sqlBackend.js';
export { type BusyRetryOptions, immediateTransaction, retryWhileBusy, SqliteGate } from './sqliteLocking.js';
export {
  isSqliteDriverDatabase,
  SQLITE_STATEMENT_CACHE_SIZE,
  type SqliteDriverDatabase,
  type SqliteDriverStatement,
  sqliteDriverExecutor,
} from './sqliteStatements.js';
export type { SchemaMismatch } from './statements/index.js';
export {
  DEFAULT_TABLE_PREFIX,
  MYSQL_NAME_CHARSET,
  MYSQL_NAME_COLLATION,
  mysqlNameCollationStatements,
  type NameColumn,
  nameColumns,
  type StoreModels,
  type TableNames,
  tableNames,
} from './tables.js';
