import { hostname } from 'node:os';
import { InvalidArgumentError } from '../errors/index.js';
import { isWellFormed } from './unicode.js';

/** Lease owners (a consumer's `lease_owner`, a relay's `claimed_by`) are stored in 100-character columns. */
export const OWNER_MAX_LENGTH = 100;

/**
 * The name an instance holds leases under: the one given, checked, or `host:pid:random`, whose
 * host part is cut so that a long host name still fits the column.
 */
export function instanceOwner(given: string | undefined): string {
  if (given === undefined) {
    return `${hostname().slice(0, 80)}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }
  if (typeof given !== 'string' || given.length === 0 || given.length > OWNER_MAX_LENGTH || !isWellFormed(given)) {
    throw new InvalidArgumentError(
      `owner must be well-formed text of 1 to ${OWNER_MAX_LENGTH} characters; got ${JSON.stringify(given)}`,
    );
  }
  return given;
}
