import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

export const TOKEN_COOKIE = 'es_ui_token';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compared through their digests: equal lengths for timingSafeEqual, and no early exit. */
export function sameToken(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The token a request carries: `Authorization: Bearer <token>`, or the cookie the page load set. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return cookie(req, TOKEN_COOKIE);
}

/** The cookie a first page load with `?token=` gets: the page's own requests then carry it. */
export function tokenCookie(token: string, path: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=${path}; HttpOnly; SameSite=Strict`;
}

export const unauthorized = () =>
  new ApiError(
    401,
    'UNAUTHORIZED',
    'this event browser needs its token: Authorization: Bearer <token>, or open the page with ?token=<token>',
  );

/**
 * A POST must be JSON (a cross-site form cannot send that without a CORS preflight, which this
 * handler never grants) and, when a browser names its origin, come from the page's own.
 */
export function assertSameOrigin(req: IncomingMessage): void {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(403, 'CROSS_ORIGIN', 'an action must be a JSON POST (Content-Type: application/json)');
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ApiError(
      403,
      'CROSS_ORIGIN',
      `an action must come from the browser's own page (Sec-Fetch-Site: ${site})`,
    );
  }
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',') : [])].map((h) =>
    h?.trim(),
  );
  if (host === undefined || !hosts.includes(host)) {
    throw new ApiError(
      403,
      'CROSS_ORIGIN',
      `an action from origin ${origin} is refused: only the page's own origin may act`,
    );
  }
}
