import { SerializationError } from '../errors/index.js';

/**
 * JSON that round-trips what zod schemas produce: plain JSON plus Date, bigint, Map, Set and
 * undefined inside objects (dropped, as JSON does). Non-JSON values are written as tagged objects
 * `{ "$es": "date", "v": "2024-01-01T00:00:00.000Z" }`; a user object that itself has a `$es` key
 * is escaped as `{ "$es": "object", "v": {...} }`, so no user data is ever mistaken for a tag.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const TAG = '$es';

export function serialize(value: unknown, what = 'value'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replacer);
  } catch (error) {
    throw new SerializationError(`Cannot serialize ${what}: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new SerializationError(`Cannot serialize ${what}: it has no JSON form`);
  return text;
}

export function deserialize(json: unknown): unknown {
  if (typeof json === 'string') return revive(JSON.parse(json));
  return revive(json);
}

/** Wrappers and copies made while escaping: written as they are, not escaped again. */
const escaping = new WeakSet<object>();

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Date) {
    if (Number.isNaN(original.getTime())) throw new Error('invalid Date');
    return { [TAG]: 'date', v: original.toISOString() };
  }
  switch (typeof value) {
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`non-finite number ${value}`);
      return value;
    case 'function':
    case 'symbol':
      throw new Error(`a ${typeof value} is not data`);
  }
  if (value instanceof Map) return { [TAG]: 'map', v: [...value.entries()] };
  if (value instanceof Set) return { [TAG]: 'set', v: [...value.values()] };
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, TAG)) {
    if (escaping.has(value)) return value;
    // Escape, then let JSON.stringify walk the copy (its own children are escaped in turn).
    const copy = { ...(value as object) };
    const wrapper = { [TAG]: 'object', v: copy };
    escaping.add(copy);
    escaping.add(wrapper);
    return wrapper;
  }
  return value;
}

/** Replaces tagged objects by the values they stand for, walking the already-parsed JSON once. */
function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  const tag = record[TAG];
  if (typeof tag === 'string' && 'v' in record) {
    const inner = record.v;
    switch (tag) {
      case 'date':
        return new Date(inner as string);
      case 'bigint':
        return BigInt(inner as string);
      case 'map':
        return new Map((inner as unknown[][]).map(([k, v]) => [revive(k), revive(v)]));
      case 'set':
        return new Set((inner as unknown[]).map(revive));
      case 'object': {
        const object = inner as Record<string, unknown>;
        for (const key of Object.keys(object)) object[key] = revive(object[key]);
        return object;
      }
    }
  }
  for (const key of Object.keys(record)) record[key] = revive(record[key]);
  return record;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
