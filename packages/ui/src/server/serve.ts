import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import type { AnyEventDefinition } from '@es/core';
import { createEventBrowser } from './handler.js';
import { ApiError } from './http/errors.js';
import { sendError } from './http/respond.js';
import type { EventBrowserOptions } from './options.js';

export interface ServeOptions<TEvents extends AnyEventDefinition, THandle>
  extends EventBrowserOptions<TEvents, THandle> {
  /** Default 127.0.0.1. Any other address needs a `token`. */
  readonly host?: string;
  /** Default 4000; 0 picks a free port. */
  readonly port?: number;
}

export interface ServedEventBrowser {
  /** Where it listens, e.g. `http://127.0.0.1:4000/`. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * The event browser on a server of its own (what `es ui` runs). It binds 127.0.0.1 by default;
 * bound anywhere else it refuses to start without a token. On loopback without a token it
 * answers only requests addressed to a loopback name, so a page elsewhere cannot reach it
 * through a DNS name rebound to 127.0.0.1.
 */
export async function serveEventBrowser<TEvents extends AnyEventDefinition, THandle>(
  options: ServeOptions<TEvents, THandle>,
): Promise<ServedEventBrowser> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  if (!loopback && options.token === undefined) {
    throw new ApiError(
      400,
      'TOKEN_REQUIRED',
      `the event browser serves ${host}, beyond this machine: give it a token (--token), or bind 127.0.0.1`,
    );
  }
  const browser = createEventBrowser({ ...options, basePath: '' });
  const server = createServer((req, res) => {
    if (loopback && options.token === undefined) {
      const name = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopback(name)) {
        return sendError(
          res,
          new ApiError(403, 'FOREIGN_HOST', `requests for ${name || 'no host'} are refused: use ${host}`),
        );
      }
    }
    browser.handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    server,
    close: async () => {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
