import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from '../../api/contract.js';
import { type ApiError, badRequest } from './errors.js';

/**
 * JSON as the contract says: bigints as decimal strings, a Map as an object (or its entries when
 * a key is not a string), a Set as an array; a Date is already its ISO string (its toJSON).
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof Map) {
      const entries = [...item.entries()];
      return entries.every(([key]) => typeof key === 'string') ? Object.fromEntries(entries) : entries;
    }
    if (item instanceof Set) return [...item];
    return item;
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = toJson(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body);
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * A POST's JSON body (`{}` when empty). A framework that parsed it already (Express's json(),
 * Fastify) leaves it on `req.body`; otherwise the stream is read here.
 */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined && typeof parsed === 'object' && parsed !== null && !Buffer.isBuffer(parsed)) {
    return parsed as Record<string, unknown>;
  }
  let text = typeof parsed === 'string' ? parsed : Buffer.isBuffer(parsed) ? parsed.toString('utf8') : '';
  if (parsed === undefined && !req.readableEnded) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw badRequest(`the body is over ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}
