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

export function validateTenant(tenant: unknown): string {
  if (typeof tenant !== 'string' || tenant.length === 0) {
    throw new InvalidStreamError('tenant', tenant, 'must be a non-empty string');
  }
  if (tenant.length > STREAM_LIMITS.tenant) {
    throw new InvalidStreamError('tenant', tenant, `must be at most ${STREAM_LIMITS.tenant} characters`);
  }
  if (!TENANT_PATTERN.test(tenant)) {
    throw new InvalidStreamError('tenant', tenant, 'may only use letters, digits and _ . : -');
  }
  return tenant;
}

export function validateCategory(category: unknown): string {
  if (typeof category !== 'string' || category.length === 0) {
    throw new InvalidStreamError('category', category, 'must be a non-empty string');
  }
  if (category.length > STREAM_LIMITS.category) {
    throw new InvalidStreamError('category', category, `must be at most ${STREAM_LIMITS.category} characters`);
  }
  if (!CATEGORY_PATTERN.test(category)) {
    throw new InvalidStreamError(
      'category',
      category,
      'must start with a letter and use only letters, digits and _ . -',
    );
  }
  return category;
}

/** Validates a caller's stream name and qualifies it with the tenant of the store doing the work. */
export function toStreamKey(name: StreamName, tenant: string): StreamKey {
  if (name === null || typeof name !== 'object') {
    throw new InvalidStreamError('id', name, 'a stream is { category, id }');
  }
  const category = validateCategory(name.category);
  const { id } = name;
  if (typeof id !== 'string' || id.length === 0) throw new InvalidStreamError('id', id, 'must be a non-empty string');
  if (id.length > STREAM_LIMITS.id) {
    throw new InvalidStreamError('id', id, `must be at most ${STREAM_LIMITS.id} characters`);
  }
  if (CONTROL_CHARACTERS.test(id)) throw new InvalidStreamError('id', id, 'must not contain control characters');
  if (!isWellFormed(id)) throw new InvalidStreamError('id', id, 'must be well-formed Unicode (no lone surrogate)');
  if (id.trim() !== id) throw new InvalidStreamError('id', id, 'must not start or end with whitespace');
  return { tenant, category, id };
}

export function formatStreamKey(key: StreamKey): string {
  return `${key.tenant}/${key.category}/${key.id}`;
}
