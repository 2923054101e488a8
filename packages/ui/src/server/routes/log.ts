import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogPosition } from '@es/core';
import type { LogResponse } from '../../api/contract.js';
import { toJson } from '../http/respond.js';
import type { AnyStore } from '../operator/application.js';
import { type EventPresenter, formatCursor, parseCursor } from './eventJson.js';
import { type Query, tenantScope } from './query.js';

interface LogRead {
  readonly store: AnyStore;
  readonly present: EventPresenter;
  readonly allTenants: boolean;
  readonly categories?: string[];
  readonly types?: string[];
}

function logRead(root: AnyStore, query: Query, present: EventPresenter): LogRead {
  const category = query.string('category');
  const type = query.string('type');
  return {
    ...tenantScope(root, query.string('tenant')),
    present,
    ...(category !== undefined && { categories: [category] }),
    ...(type !== undefined && { types: [type] }),
  };
}

/** A page of the log after `after`, as consumers read it: never skipping a late commit, never repeating. */
async function readPage(
  { store, present, ...filter }: LogRead,
  after: LogPosition,
  limit: number,
): Promise<LogResponse> {
  const page = await store.readAll({ ...filter, after, limit, unknownTypes: 'raw' });
  return { events: page.events.map(present), next: formatCursor(page.next), heldBack: page.heldBack === true };
}

/**
 * Where a read of the last `count` or so events starts: the log position of the event `count`
 * global positions before the last committed one (positions have gaps, and PostgreSQL orders the
 * log by transaction first, so it is about, not exactly, that many).
 */
async function tailStart(store: AnyStore, count: number): Promise<LogPosition> {
  return store.backend.read(async (session) => {
    const end = await session.logEnd();
    const from = end.position - BigInt(count);
    return session.logPositionAt(from > 0n ? from : 0n);
  });
}

const startOfLog = (store: AnyStore) => store.backend.read((session) => session.logPositionAt(0n));

/** GET api/log */
export async function log(root: AnyStore, query: Query, present: EventPresenter): Promise<LogResponse> {
  const read = logRead(root, query, present);
  const after = query.string('after');
  const tail = query.integer('tail', 0, 0, 1000);
  const limit = query.integer('limit', tail || 100, 1, 1000);
  const from =
    after !== undefined ? parseCursor(after) : tail > 0 ? await tailStart(root, tail) : await startOfLog(root);
  return readPage(read, from, limit);
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** How often a live log looks for new events, and how often it tells proxies it is alive. */
const LIVE_POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
const LIVE_PAGE = 200;

/**
 * GET api/log/live: server-sent events, one message per page of new events, each with the
 * cursor after its last event as its id. A reconnecting EventSource sends that id back
 * (Last-Event-ID), and the stream goes on from exactly there. Without a cursor it starts at the
 * log's end. Closes when the client goes, or `signal` aborts (the browser is closed).
 */
export async function live(
  root: AnyStore,
  query: Query,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
  present: EventPresenter,
): Promise<void> {
  const read = logRead(root, query, present);
  const resume = req.headers['last-event-id'];
  const given = typeof resume === 'string' && resume !== '' ? resume : query.string('after');
  let after =
    given !== undefined
      ? parseCursor(given, 'Last-Event-ID or after')
      : await root.backend.read((session) => session.logHead());
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and the like would hold the messages back otherwise
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: 1000\n: from ${formatCursor(after)}\n\n`);
  const stop = new AbortController();
  const end = () => stop.abort();
  req.on('close', end);
  res.on('close', end);
  signal.addEventListener('abort', end, { once: true });
  let lastWrite = Date.now();
  try {
    while (!stop.signal.aborted) {
      const page = await readPage(read, after, LIVE_PAGE);
      after = parseCursor(page.next);
      if (page.events.length > 0) {
        res.write(`event: events\nid: ${page.next}\ndata: ${toJson(page)}\n\n`);
        lastWrite = Date.now();
        if (page.events.length === LIVE_PAGE) continue;
      } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
        res.write(': alive\n\n');
        lastWrite = Date.now();
      }
      await pause(LIVE_POLL_MS, stop.signal);
    }
  } catch (error) {
    // Headers are gone: the failure can only be told as a message before the stream ends.
    const message = error instanceof Error ? error.message : String(error);
    if (!res.writableEnded) res.write(`event: failure\ndata: ${toJson({ error: { code: 'INTERNAL', message } })}\n\n`);
  } finally {
    req.off('close', end);
    signal.removeEventListener('abort', end);
    if (!res.writableEnded) res.end();
  }
}
