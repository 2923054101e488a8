export { type SuiteContext, suiteContext, uniqueId } from './context.js';
export { conformanceSuites, describeConformance } from './describeConformance.js';
export * from './fixtures.js';
export { memoryTarget } from './memoryTarget.js';
export { expectNotifyWakesConsumer } from './notifyWakeUp.js';
export { expectPreparedStatements, type OpenedPostgresBackend } from './preparedStatements.js';
export { sqlTargetTables, testDatabases } from './sqlTarget.js';
export type { ConformanceTarget, StoreRowCounts } from './target.js';
