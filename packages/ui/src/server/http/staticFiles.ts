import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/**
 * The page's built files (dist/client), read once each and kept: they never change while the
 * process runs. Served with an ETag and `Cache-Control: no-cache`, so a browser revalidates (a
 * 304) and an upgraded package is seen at once; names are not hashed, so nothing is cached blind.
 */
export function staticFiles(root: string) {
  const cache = new Map<string, Promise<Asset | undefined>>();
  const load = (path: string) => {
    let found = cache.get(path);
    if (!found) {
      found = readFile(path).then(
        (body) => ({
          body,
          type: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        }),
        () => undefined,
      );
      cache.set(path, found);
    }
    return found;
  };

  /** Serves `relative` (a path under the page's root); false when there is no such file. */
  return async function serve(req: IncomingMessage, res: ServerResponse, relative: string): Promise<boolean> {
    const path = resolve(root, `.${sep}${relative}`);
    if (path !== root && !path.startsWith(root + sep)) return false;
    const asset = await load(path);
    if (!asset) return false;
    const headers = {
      'Content-Type': asset.type,
      ETag: asset.etag,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(asset.type.startsWith('text/html') && {
        // The page loads only its own files and talks only to its own API.
        'Content-Security-Policy':
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        'Referrer-Policy': 'no-referrer',
      }),
    };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  };
}
