import { randomFillSync } from 'node:crypto';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * Random bytes from the OS, drawn 4 KiB at a time (as Node's own randomUUID does): one call into
 * the OS per 256 ids instead of one per id, which was the largest single cost of preparing a
 * 100-event append.
 */
const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let nextId = POOL_IDS;

/**
 * A version 7 uuid (RFC 9562): time-ordered, so event ids index with good locality.
 * Random bits come from the OS, 74 of them per id.
 */
export function uuidv7(now = Date.now()): string {
  if (nextId === POOL_IDS) {
    randomFillSync(pool);
    nextId = 0;
  }
  const bytes = pool.subarray(16 * nextId, 16 * ++nextId);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
