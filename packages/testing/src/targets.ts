// What a backend package needs to build its conformance target, without loading jest (child
// processes of the crash tests import this).
export * from './conformance/fixtures.js';
export { sqlTargetTables, testDatabases } from './conformance/sqlTarget.js';
export type { ConformanceTarget, StoreRowCounts } from './conformance/target.js';
