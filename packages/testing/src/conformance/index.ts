// Everything a target is built from (@es/testing/targets), and the kit that runs it.
export * from '../targets.js';
export { type SuiteContext, suiteContext, uniqueId } from './context.js';
export { conformanceSuites, describeConformance } from './describeConformance.js';
export { memoryTarget } from './memoryTarget.js';
export { expectNotifyWakesConsumer } from './notifyWakeUp.js';
export { expectPreparedStatements, type OpenedPostgresBackend } from './preparedStatements.js';
