/**
 * The page's client of the JSON API (../api/contract.ts). Every URL is relative to the page, so the
 * browser works under whatever base path the application mounted it at.
 */
import type {
  CategoriesResponse,
  ConsumersResponse,
  ErrorBody,
  EventResponse,
  LogResponse,
  MetaResponse,
  OutboxActionRequest,
  OutboxResponse,
  OutboxStatus,
  PurgeResponse,
  RebuildResponse,
  RetryResponse,
  StreamResponse,
  StreamsResponse,
} from '../api/contract.js';

/** A failed request, with the API's stable code (or `NETWORK` when no answer came). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Readonly<Record<string, string | number | null | undefined>>;

/** `api/<path>?<query>` relative to the page (empty values left out). */
export function apiUrl(path: string, query: Query = {}): string {
  const url = new URL(`api/${path}`, location.href);
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  return url.href;
}

async function request<T>(url: string, init: RequestInit & { signal?: AbortSignal | undefined } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' }, ...init });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', `The server did not answer (${(error as Error).message}).`);
  }
  const body = (await response.json().catch(() => null)) as T | ErrorBody | null;
  if (!response.ok) {
    const failure = (body as ErrorBody | null)?.error;
    throw new ApiError(
      response.status,
      failure?.code ?? 'HTTP_' + response.status,
      failure?.message ?? response.statusText,
    );
  }
  return body as T;
}

const get = <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>(apiUrl(path, query), { signal });

const post = <T>(path: string, body: unknown, query?: Query) =>
  request<T>(apiUrl(path, query), {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

export const api = {
  meta: (signal?: AbortSignal) => get<MetaResponse>('meta', {}, signal),
  categories: (query: { tenant?: string; after?: string | null }, signal?: AbortSignal) =>
    get<CategoriesResponse>('categories', { ...query, limit: 200 }, signal),
  streams: (
    query: { tenant?: string; category?: string; search?: string; after?: string | null; limit?: number },
    signal?: AbortSignal,
  ) => get<StreamsResponse>('streams', query, signal),
  stream: (
    query: { tenant?: string; category: string; id: string; fromVersion?: number; limit?: number },
    signal?: AbortSignal,
  ) => get<StreamResponse>('stream', query, signal),
  event: (eventId: string, signal?: AbortSignal) =>
    get<EventResponse>(`events/${encodeURIComponent(eventId)}`, {}, signal),
  log: (query: { after?: string; tail?: number; limit?: number }, signal?: AbortSignal) =>
    get<LogResponse>('log', query, signal),
  liveLogUrl: (after: string) => apiUrl('log/live', { after }),
  consumers: (signal?: AbortSignal) => get<ConsumersResponse>('consumers', {}, signal),
  outbox: (query: { status: OutboxStatus; after?: string | null; limit?: number }, signal?: AbortSignal) =>
    get<OutboxResponse>('outbox', query, signal),
  retry: (body: OutboxActionRequest) => post<RetryResponse>('outbox/retry', body),
  purge: (body: OutboxActionRequest) => post<PurgeResponse>('outbox/purge', body),
  rebuild: (name: string, tenant: string) =>
    post<RebuildResponse>(`consumers/${encodeURIComponent(name)}/rebuild`, {}, { tenant }),
};
