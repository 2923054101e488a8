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
    // JSON.stringify runs natively without a replacer, several times faster with one.
    text = isPlainJson(value, 0) ? JSON.stringify(value) : JSON.stringify(value, replacer);
  } catch (error) {
    throw new SerializationError(`Cannot serialize ${what}: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined) throw new SerializationError(`Cannot serialize ${what}: it has no JSON form`);
  // JSON.stringify writes `\u` only for control characters and unpaired surrogates; a `\u` the
  // user wrote is `\\u`. Two of those PostgreSQL's jsonb refuses: refused here on every backend.
  if (text.includes('\\u')) {
    const unstorable = UNSTORABLE.exec(text)?.[1];
    if (unstorable !== undefined) {
      const which = unstorable === '0000' ? 'a NUL character (\\u0000)' : `an unpaired surrogate (\\u${unstorable})`;
      throw new SerializationError(
        `Cannot serialize ${what}: a string holds ${which}, which PostgreSQL's jsonb cannot store (refused on every backend)`,
      );
    }
  }
  return text;
}

/** An escape (behind an even run of backslashes) of NUL or of a lone UTF-16 surrogate. */
const UNSTORABLE = /(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/;

/** Parses JSON text `serialize` wrote, reviving its tagged values. */
export function deserialize(json: string): unknown {
  // Most events' metadata, read once per event.
  if (json === '{}') return {};
  const parsed: unknown = JSON.parse(json);
  // A tag is always written as the key "$es"; text without it has nothing to revive. V8 finds one
  // character many times faster than a longer text, and most data has no `$` at all.
  return json.includes('$') && json.includes(`"${TAG}"`) ? revive(parsed) : parsed;
}

/** Past this depth the replacer path decides (it reports a cycle as one). */
const PLAIN_DEPTH = 64;

/**
 * Whether JSON.stringify alone writes `value` as the replacer would: only JSON's own values
 * (undefined is dropped or nulled alike), plain objects without the tag key, and arrays of them.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= PLAIN_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || Object.hasOwn(value, TAG)) return false;
  for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
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
