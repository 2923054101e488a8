import { InvalidArgumentError } from '../errors/index.js';

/**
 * Runs `attempt`, and runs it again (a fresh read and decision) while it fails with an error
 * `isConflict` recognises, up to `retries` times (default 0); the result says how many times it
 * ran again. The repositories' `handle` loop: another writer got there first.
 */
export async function retryOnConflict<T extends object>(
  retries: number | undefined,
  isConflict: (error: unknown) => boolean,
  attempt: () => Promise<T>,
): Promise<T & { readonly retried: number }> {
  const limit = retries ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new InvalidArgumentError('retries must be >= 0');
  for (let retried = 0; ; retried++) {
    try {
      return { ...(await attempt()), retried };
    } catch (error) {
      if (!isConflict(error) || retried >= limit) throw error;
    }
  }
}
