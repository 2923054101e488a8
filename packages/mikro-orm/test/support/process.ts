// Entry for the conformance kit's child processes (run by Node's own type stripping, so this file
// and what it imports are erasable TypeScript): the same target, tables already in place.
import type { ConformanceTarget } from '@es/testing/targets';
import { type Dialect, mikroOrmTarget } from './target.ts';

export async function openTarget(): Promise<ConformanceTarget<unknown>> {
  const target = mikroOrmTarget((process.env.ES_CONFORMANCE_DIALECT ?? 'postgres') as Dialect, {
    createTables: false,
  });
  await target.setup();
  return target as ConformanceTarget<unknown>;
}
