import { afterAll, beforeAll, beforeEach, describe } from '@jest/globals';
import { suiteContext } from './context.js';
import { aggregatesSuite } from './suites/aggregates.js';
import { ambientSuite } from './suites/ambient.js';
import { appendAndReadSuite } from './suites/appendAndRead.js';
import { consumerFailuresSuite } from './suites/consumerFailures.js';
import { consumerLeasesSuite } from './suites/consumerLeases.js';
import { consumersSuite } from './suites/consumers.js';
import { dcbSuite } from './suites/dcb.js';
import { errorsSuite } from './suites/errors.js';
import { expectedVersionSuite } from './suites/expectedVersion.js';
import { globalLogSuite } from './suites/globalLog.js';
import { importSuite } from './suites/import.js';
import { invalidInputSuite } from './suites/invalidInput.js';
import { mysqlReadViewsSuite } from './suites/mysqlReadViews.js';
import { mysqlSchemaSuite } from './suites/mysqlSchema.js';
import { operationsSuite } from './suites/operations.js';
import { outboxSuite } from './suites/outbox.js';
import { partitionsSuite } from './suites/partitions.js';
import { personalDataSuite } from './suites/personalData.js';
import { racingSuite } from './suites/racing.js';
import { snapshotsSuite } from './suites/snapshots.js';
import { tenancySuite } from './suites/tenancy.js';
import { transactionsSuite } from './suites/transactions.js';
import { upcastingSuite } from './suites/upcasting.js';
import type { ConformanceTarget } from './target.js';

/** Every suite of the kit, in the order they are reported. Later features add theirs here. */
export const conformanceSuites = [
  appendAndReadSuite,
  expectedVersionSuite,
  racingSuite,
  snapshotsSuite,
  upcastingSuite,
  tenancySuite,
  transactionsSuite,
  ambientSuite,
  invalidInputSuite,
  globalLogSuite,
  aggregatesSuite,
  consumersSuite,
  consumerLeasesSuite,
  consumerFailuresSuite,
  partitionsSuite,
  outboxSuite,
  dcbSuite,
  importSuite,
  personalDataSuite,
  operationsSuite,
  mysqlSchemaSuite,
  mysqlReadViewsSuite,
  errorsSuite,
];

/**
 * Registers the whole conformance kit against one backend and dialect. The top-level title
 * `conformance <backend>/<dialect>` is what `pnpm conformance` reports by.
 */
export function describeConformance<THandle>(target: ConformanceTarget<THandle>): void {
  describe(`conformance ${target.backend}/${target.dialect}`, () => {
    const ctx = suiteContext(target);
    beforeAll(() => target.setup(), 120_000);
    afterAll(() => target.teardown(), 60_000);
    beforeEach(() => target.reset(), 60_000);
    for (const suite of conformanceSuites) suite(ctx);
  });
}
