import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AnyEventDefinition } from '@es/core';
import type { MetaResponse } from '../api/contract.js';
import { assertSameOrigin, presentedToken, sameToken, tokenCookie, unauthorized } from './http/auth.js';
import { ApiError, toApiError } from './http/errors.js';
import { readJsonBody, sendError, sendJson } from './http/respond.js';
import { staticFiles } from './http/staticFiles.js';
import { type AnyStore, consumerEntries } from './operator/application.js';
import type { EventBrowserOptions } from './options.js';
import { ConsumerWatch } from './routes/consumers.js';
import { eventPresenter } from './routes/eventJson.js';
import { live, log } from './routes/log.js';
import { outbox, purge, retry } from './routes/outbox.js';
import { Query } from './routes/query.js';
import { categories, event, stream, streams } from './routes/streams.js';

/** A Node request handler: Express's and Connect's `(req, res, next)`, or node:http's `(req, res)`. */
export type EventBrowserHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export interface EventBrowser {
  /** Serves the page and its JSON API; hands anything else to `next` when given, else answers 404. */
  readonly handler: EventBrowserHandler;
  /** Ends live log streams and stops sampling consumers' lag. */
  close(): Promise<void>;
}

/** The built page, beside the server's build: dist/client. */
const PAGE_ROOT = fileURLToPath(new URL('../client', import.meta.url));

/** The request's path and the path the browser is mounted at (for redirects and the cookie). */
function locate(req: IncomingMessage, basePath: string): { path: string; mount: string; search: string } | undefined {
  const url = new URL(req.url ?? '/', 'http://browser.invalid');
  const original = new URL((req as { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://browser.invalid');
  let path = url.pathname;
  if (basePath !== '') {
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return undefined;
    path = path.slice(basePath.length);
  }
  // What the framework stripped (Express's mount path) and the base path make the mount. Express
  // hands a mount's own path without its slash ('/es') to the handler as '/': that asks for the
  // page at a path without its slash, as '' does here.
  if (path !== '' && !original.pathname.endsWith(path))
    return { path: '', mount: original.pathname, search: url.search };
  const mount = original.pathname.slice(0, original.pathname.length - path.length);
  return { path, mount, search: url.search };
}

/**
 * The event browser over an application's store, consumers and relays: a page and its JSON API
 * (api/contract.ts) in one Node request handler, to mount in Express, Fastify, Nest or node:http.
 * Read-only unless `actions` is true.
 */
export function createEventBrowser<TEvents extends AnyEventDefinition, THandle>(
  options: EventBrowserOptions<TEvents, THandle>,
): EventBrowser {
  const store = options.store as unknown as AnyStore;
  const application = options as unknown as EventBrowserOptions;
  const actions = options.actions === true;
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token.length < 8)) {
    throw new TypeError('the event browser token must be a string of at least 8 characters');
  }
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const onError = options.onError ?? ((error: unknown) => console.error('@es/ui:', error));
  const lagSampling = { everyMs: options.lagSampling?.everyMs ?? 5000, keepMs: options.lagSampling?.keepMs ?? 600_000 };
  const consumers = new ConsumerWatch(store, consumerEntries(application), lagSampling, onError);
  const page = staticFiles(PAGE_ROOT);
  const closing = new AbortController();
  const personalData = options.personalData ?? 'masked';
  if (personalData !== 'masked' && personalData !== 'visible') {
    throw new TypeError(`the event browser's personalData must be 'masked' or 'visible'; got ${String(personalData)}`);
  }
  const present = eventPresenter(store, personalData);

  const meta: MetaResponse = {
    storeName: store.backend.name,
    dialect: store.backend.dialect,
    tenant: store.tenant,
    tenantScoped: store.isTenantScoped,
    actions,
    lagSampling,
    masking: personalData === 'masked',
  };

  const api = async (req: IncomingMessage, res: ServerResponse, route: string, query: Query): Promise<void> => {
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    const answer = (body: unknown, status = 200) => sendJson(res, status, body);
    const action = async (work: (body: Record<string, unknown>) => Promise<unknown>, status = 200) => {
      if (method !== 'POST') throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${route} takes POST`);
      if (!actions) {
        throw new ApiError(403, 'ACTIONS_DISABLED', 'actions are disabled: the event browser was started read-only');
      }
      assertSameOrigin(req);
      answer(await work(await readJsonBody(req)), status);
    };
    const rebuild = /^consumers\/([^/]+)\/rebuild$/.exec(route);
    if (rebuild) {
      const name = decodeURIComponent(rebuild[1] as string);
      return action(() => consumers.rebuild(name, query.string('tenant')), 202);
    }
    if (route === 'outbox/retry') return action((body) => retry(store, body));
    if (route === 'outbox/purge') return action((body) => purge(store, body));
    const eventId = /^events\/([^/]+)$/.exec(route);
    const reads: Record<string, () => Promise<unknown>> = {
      meta: async () => meta,
      categories: () => categories(store, query),
      streams: () => streams(store, query),
      stream: () => stream(store, query, present),
      log: () => log(store, query, present),
      consumers: () => consumers.report(),
      outbox: () => outbox(store, query, present),
    };
    const reader = eventId ? () => event(store, decodeURIComponent(eventId[1] as string), present) : reads[route];
    if (!reader && route !== 'log/live') throw new ApiError(404, 'NOT_FOUND', `no endpoint api/${route}`);
    if (!read) throw new ApiError(405, 'METHOD_NOT_ALLOWED', `api/${route} takes GET`);
    if (route === 'log/live') return live(store, query, req, res, closing.signal, present);
    answer(await (reader as () => Promise<unknown>)());
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => {
    const where = locate(req, basePath);
    if (!where) return next ? next() : sendError(res, new ApiError(404, 'NOT_FOUND', 'not the event browser'));
    const { path, mount, search } = where;
    const query = new Query(new URLSearchParams(search));
    if (path === '') {
      // The page's URLs are relative: it must be served at a path ending in '/'.
      res.writeHead(308, { Location: `${mount}/${search}` });
      return res.end();
    }
    if (token !== undefined) {
      const given = query.string('token');
      if (given !== undefined && (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/')) {
        if (!sameToken(given, token)) return sendError(res, unauthorized());
        // The token leaves the address bar (and the history) for an HttpOnly cookie.
        const params = new URLSearchParams(search);
        params.delete('token');
        const rest = params.toString();
        res.writeHead(303, {
          Location: `${mount}${path}${rest ? `?${rest}` : ''}`,
          'Set-Cookie': tokenCookie(token, `${mount}/`.replace(/\/+$/, '/')),
          'Cache-Control': 'no-store',
        });
        return res.end();
      }
      if (!sameToken(presentedToken(req), token)) return sendError(res, unauthorized());
    }
    if (path.startsWith('/api/')) return api(req, res, path.slice('/api/'.length), query);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return next ? next() : sendError(res, new ApiError(405, 'METHOD_NOT_ALLOWED', 'the page takes GET'));
    }
    const served = await page(req, res, path === '/' ? 'index.html' : decodeURIComponent(path.slice(1)));
    if (!served) return next ? next() : sendError(res, new ApiError(404, 'NOT_FOUND', `no file ${path}`));
  };

  return {
    handler: (req, res, next) => {
      handle(req, res, next).catch((error: unknown) => {
        const failure = toApiError(error);
        if (failure.status >= 500) onError(error);
        if (!res.headersSent) sendError(res, failure);
        else if (!res.writableEnded) res.end();
      });
    },
    close: async () => {
      closing.abort();
      await consumers.close();
    },
  };
}
