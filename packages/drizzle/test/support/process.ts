// Entry for the conformance kit's child processes: the same target, tables already in place.
import type { ConformanceTarget } from '@es/testing/targets';
import { type Dialect, drizzleTarget } from './target.ts';

export async function openTarget(): Promise<ConformanceTarget<unknown>> {
  const target = drizzleTarget((process.env.ES_CONFORMANCE_DIALECT ?? 'postgres') as Dialect, { createTables: false });
  await target.setup();
  return target as ConformanceTarget<unknown>;
}
