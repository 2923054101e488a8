import { InvalidStreamError } from '../errors/index.js';
import { isWellFormed } from '../util/unicode.js';

export const DEFAULT_TENANT = 'default';

/** A stream as the caller names it: a category (`account`) and an id inside it. */
export interface StreamName {
  readonly category: string;
  readonly id: string;
}

/** A stream fully qualified: every key and every query carries the tenant. */
export interface StreamKey extends StreamName {
  readonly tenant: string;
}

export const STREAM_LIMITS = { category: 100, id: 200, tenant: 100 } as const;

const CATEGORY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
// Ids are free-form but printable: no control characters, no surrounding whitespace.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Shorthand for `{ category, id }`. */
export function stream(category: string, id: string): StreamName {
  return { category, id };
}

type NamePart = keyof typeof STREAM_LIMITS;

/** A non-empty string within its part's length limit, or an `InvalidStreamError` naming the part. */
function boundedName(part: NamePart, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidStreamError(part, value, 'must be a non-empty string');
  if (value.length > STREAM_LIMITS[part]) {
    throw new InvalidStreamError(part, value, `must be at most ${STREAM_LIMITS[part]} characters`);
  }
  return value;
}

export function validateTenant(tenant: unknown): string {
  const valid = boundedName('tenant', tenant);
  if (!TENANT_PATTERN.test(valid))
    throw new InvalidStreamError('tenant', valid, 'may only use letters, digits and _ . : -');
  return valid;
}

export function validateCategory(category: unknown): string {
  const valid = boundedName('category', category);
  if (!CATEGORY_PATTERN.test(valid)) {
    throw new InvalidStreamError('category', valid, 'must start with a letter and use only letters, digits and _ . -');
  }
  return valid;
}

/** Validates a caller's stream name and qualifies it with the tenant of the store doing the work. */
export function toStreamKey(name: StreamName, tenant: string): StreamKey {
  if (name === null || typeof name !== 'object') {
    throw new InvalidStreamError('id', name, 'a stream is { category, id }');
  }
  const category = validateCategory(name.category);
  const id = boundedName('id', name.id);
  if (CONTROL_CHARACTERS.test(id)) throw new InvalidStreamError('id', id, 'must not contain control characters');
  if (!isWellFormed(id)) throw new InvalidStreamError('id', id, 'must be well-formed Unicode (no lone surrogate)');
  if (id.trim() !== id) throw new InvalidStreamError('id', id, 'must not start or end with whitespace');
  return { tenant, category, id };
}

export function formatStreamKey(key: StreamKey): string {
  return `${key.tenant}/${key.category}/${key.id}`;
}
