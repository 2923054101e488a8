// What the kit's child processes (consumerProcess, relayProcess) share: the target the parent
// named, how their worker polls and reports, and a life tied to the parent's.
import { pathToFileURL } from 'node:url';
import type { ConformanceTarget } from './target.js';

/** The target of the module the parent named (its `openTarget()`), opened in this process. */
export async function openParentTarget(modulePath: string): Promise<ConformanceTarget<unknown>> {
  const { openTarget } = (await import(pathToFileURL(modulePath).href)) as {
    openTarget(): Promise<ConformanceTarget<unknown>>;
  };
  return openTarget();
}

/** A worker's polling and error report: quick to find work, failures on stderr for the test's log. */
export const childWorkerOptions = (role: string) => ({
  polling: { minMs: 5, maxMs: 50 },
  onError: (error: unknown) => console.error(`${role} process:`, error),
});

/** Starts `worker` and tells the parent; the process ends when the parent goes away (even killed). */
export function runForParent(worker: { start(): void }): void {
  worker.start();
  process.on('disconnect', () => process.exit(0));
  process.send?.('started');
}
