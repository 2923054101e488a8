import { ConcurrencyError, InvalidArgumentError } from '../errors/index.js';
import type { StreamKey } from '../streams/index.js';
import type { ExpectedVersion } from './streams.js';

export function validateExpectedVersion(expected: unknown): ExpectedVersion {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return expected;
  throw new InvalidArgumentError(
    `expectedVersion must be 'any', 'no_stream', 'stream_exists' or an integer >= 0; got ${JSON.stringify(expected)}`,
  );
}

export function expectedVersionHolds(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 0;
    case 'stream_exists':
      return actual > 0;
    default:
      return actual === expected;
  }
}

/** Throws the one ConcurrencyError every backend reports when the expectation fails. */
export function assertExpectedVersion(stream: StreamKey, expected: ExpectedVersion, actual: number): void {
  if (!expectedVersionHolds(expected, actual)) throw new ConcurrencyError(stream, expected, actual);
}
