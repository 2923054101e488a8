// What a backend package needs to build its conformance target, without loading jest (child
// processes of the crash tests import this).
export * from './conformance/fixtures.js';
export {
  CONFORMANCE_TABLE_PREFIX,
  defineSqlTarget,
  hostTableName,
  openChildProcessTarget,
  type SqlAmbientContext,
  type SqlTargetBackend,
  type SqlTargetConnection,
  type SqlTargetDefinition,
  type SqlTargetFactory,
  type SqlTargetOnDialect,
  type SqlTargetOptions,
  targetDatabase,
  testDatabases,
} from './conformance/sqlTarget.js';
export type {
  AmbientContext,
  AmbientHost,
  ConcurrentTransactions,
  ConformanceTarget,
  StoredRows,
  StoreRowCounts,
} from './conformance/target.js';
