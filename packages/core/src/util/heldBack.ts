import { InvalidArgumentError } from '../errors/index.js';

/** A read's `maxWaitMs`, checked, or its default. */
export function waitLimit(maxWaitMs: number | undefined, defaultMs: number): number {
  const limit = maxWaitMs ?? defaultMs;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidArgumentError('maxWaitMs must be >= 0');
  return limit;
}

/**
 * Reads a page again while `held(page)`: committed events wait behind an older open transaction on
 * PostgreSQL, which usually ends within milliseconds. Pauses 1 ms, doubling to 50 ms, for at most
 * `maxWaitMs` in all; returns the last page read and how long it waited.
 */
export async function readPastHeldBack<P>(
  maxWaitMs: number,
  held: (page: P) => boolean,
  readPage: () => Promise<P>,
): Promise<{ page: P; waited: number }> {
  const started = Date.now();
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    const page = await readPage();
    const waited = Date.now() - started;
    if (!held(page) || waited >= maxWaitMs) return { page, waited };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, maxWaitMs - waited)));
  }
}
