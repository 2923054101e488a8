/**
 * The JSON API over real databases: the es command's Drizzle application on PostgreSQL, MariaDB
 * and SQLite, served by serveEventBrowser (what `es ui` runs), requested as the page does.
 */
import type { RecordedEvent } from '@es/core';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Dialect } from '../../../cli/test/support/app.ts';
import { Deposited } from '../../../cli/test/support/app.ts';
import { DIALECTS } from '../../../cli/test/support/databases.ts';
import { holdLease } from '../../../cli/test/support/scenario.ts';
import type {
  CategoriesResponse,
  ConsumersResponse,
  ErrorBody,
  EventResponse,
  LogResponse,
  OutboxResponse,
  StreamResponse,
  StreamsResponse,
} from '../../dist/server/index.js';
import { type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { firstMessages, post, request } from './support/http.ts';
import { type Seeded, seeded } from './support/seeded.ts';

const ids = (events: readonly { eventId: string }[]) => events.map((event) => event.eventId);

describe.each(DIALECTS)('the event browser API on %s', (dialect: Dialect) => {
  let seed: Seeded;
  let readOnly: ServedEventBrowser;
  let acting: ServedEventBrowser;
  const get = <T>(path: string, headers: Record<string, string> = {}) =>
    request<T>(new URL(path, readOnly.url).href, { headers });

  beforeAll(async () => {
    seed = await seeded(dialect);
    readOnly = await serveEventBrowser({ ...seed.app, port: 0, lagSampling: { everyMs: 100 } });
    acting = await serveEventBrowser({ ...seed.app, port: 0, actions: true });
  });
  afterAll(async () => {
    await readOnly?.close();
    await acting?.close();
    await seed?.app.close();
  });

  test('meta names the store and says whether actions are on and personal data masked', async () => {
    expect((await get('api/meta')).body).toMatchObject({
      storeName: 'drizzle',
      dialect,
      tenant: 'default',
      tenantScoped: false,
      actions: false,
      masking: true,
    });
    expect((await request(`${acting.url}api/meta`)).body).toMatchObject({ actions: true });
  });

  test('categories of every tenant with their stream counts; streams by id prefix, a keyset page at a time', async () => {
    expect((await get<CategoriesResponse>('api/categories')).body).toEqual({
      categories: [
        { tenant: 'acme', category: 'account', streams: 1, streamsCapped: false },
        { tenant: 'default', category: 'account', streams: 3, streamsCapped: false },
        { tenant: 'default', category: 'payment', streams: 2, streamsCapped: false },
      ],
      next: null,
    });
    const first = await get<StreamsResponse>('api/streams?tenant=default&category=account&search=a-&limit=2');
    expect(first.body.streams.map((stream) => [stream.id, stream.version])).toEqual([
      ['a-1', 2],
      ['a-2', 1],
    ]);
    const a1 = seed.recorded[1] as RecordedEvent;
    expect(first.body.streams[0]?.updatedAt).toBe(a1.recordedAt.toISOString());
    const rest = await get<StreamsResponse>(
      `api/streams?tenant=default&category=account&search=a-&limit=2&after=${encodeURIComponent(first.body.next ?? '')}`,
    );
    expect(rest.body).toEqual({
      streams: [expect.objectContaining({ tenant: 'default', category: 'account', id: 'a-3', version: 1 })],
      next: null,
    });
    expect((await get<StreamsResponse>('api/streams?category=account&search=zz')).body.streams).toEqual([]);
  });

  test("a stream's events in version order, a page at a time, with data as JSON and its snapshot", async () => {
    const first = await get<StreamResponse>('api/stream?tenant=default&category=account&id=a-1&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.stream).toMatchObject({ tenant: 'default', category: 'account', id: 'a-1', version: 2 });
    expect(first.body.events).toHaveLength(1);
    expect(first.body.events[0]).toMatchObject({
      eventId: seed.recorded[0]?.id,
      type: 'AccountOpened',
      version: 1,
      schemaVersion: 1,
      unknownType: false,
      // a Date as its ISO string, a Set as an array
      data: { owner: 'Ada', openedAt: '2024-05-01T10:00:00.000Z', tags: ['vip'] },
      metadata: { correlationId: 'req-1' },
    });
    expect(first.body.events[0]?.position).toBe(String(seed.recorded[0]?.position));
    expect(first.body.snapshot).toBeNull();
    expect(first.body.next).toBe(2);
    await seed.app.store.saveSnapshot({ category: 'account', id: 'a-1' }, { version: 2, state: { balance: 100n } });
    const second = await get<StreamResponse>('api/stream?category=account&id=a-1&fromVersion=2');
    // a bigint as its decimal string
    expect(second.body.events.map((event) => event.data)).toEqual([{ amount: 100, cents: '12' }]);
    expect(second.body.snapshot).toMatchObject({ version: 2, schemaVersion: 1, state: { balance: '100' } });
    expect(second.body.next).toBeNull();

    const missing = await get<ErrorBody>('api/stream?category=account&id=nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('STREAM_NOT_FOUND');
    const bad = await get<ErrorBody>('api/stream?category=1bad&id=x');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_STREAM']);
    const noId = await get<ErrorBody>('api/stream?category=account');
    expect([noId.status, noId.body.error.code]).toEqual([400, 'BAD_REQUEST']);
  });

  test('an event by id, which is where correlation and causation ids lead', async () => {
    const { caused } = seed;
    const cause = await get<EventResponse>(`api/events/${caused.metadata.causationId}`);
    expect(cause.body.event).toMatchObject({
      eventId: seed.recorded[2]?.id,
      type: 'PaymentRequested',
      stream: { tenant: 'default', category: 'payment', id: 'p-1' },
    });
    const acme = seed.recorded[4] as RecordedEvent;
    expect((await get<EventResponse>(`api/events/${acme.id}`)).body.event.stream.tenant).toBe('acme');
    const absent = await get<ErrorBody>('api/events/0190a0a0-0000-7000-8000-000000000000');
    expect([absent.status, absent.body.error.code]).toEqual([404, 'EVENT_NOT_FOUND']);
    const malformed = await get<ErrorBody>('api/events/req-1');
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  test('the log in pages from its start, each event once and in order; its tail', async () => {
    const everything = [...seed.recorded, seed.caused].map((event) => event.id);
    const read: string[] = [];
    let page = (await get<LogResponse>('api/log?limit=2')).body;
    for (let pages = 0; page.events.length > 0 && pages < 20; pages++) {
      read.push(...ids(page.events));
      page = (await get<LogResponse>(`api/log?limit=2&after=${page.next}`)).body;
    }
    expect(read).toEqual(everything);
    expect(page.heldBack).toBe(false);
    expect(ids((await get<LogResponse>('api/log?tail=2')).body.events)).toEqual(everything.slice(-2));
    const acme = (await get<LogResponse>('api/log?tenant=acme')).body;
    expect(ids(acme.events)).toEqual([seed.recorded[4]?.id]);
    const bad = await get<ErrorBody>('api/log?after=12');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'BAD_REQUEST']);
  });

  test('the live log sends events as they commit, and a reconnection resumes after the last one it got', async () => {
    const url = `${readOnly.url}api/log/live`;
    const append = (id: string) =>
      seed.app.store.append({ category: 'account', id }, Deposited.create({ amount: 1 }), { expectedVersion: 'any' });
    const live = firstMessages(url, 1);
    // the stream starts at the log's end: only what commits after it opened comes
    await new Promise((resolve) => setTimeout(resolve, 300));
    const appended = (await append('live-1')).events[0] as RecordedEvent;
    const [message] = await live;
    expect(message?.event).toBe('events');
    const data = JSON.parse(message?.data ?? '{}') as LogResponse;
    expect(ids(data.events)).toEqual([appended.id]);
    expect(message?.id).toBe(data.next);

    const later = (await append('live-2')).events[0] as RecordedEvent;
    const [resumed] = await firstMessages(url, 1, { 'Last-Event-ID': message?.id ?? '' });
    expect(ids((JSON.parse(resumed?.data ?? '{}') as LogResponse).events)).toEqual([later.id]);
  });

  test('consumers with checkpoint, lag and holder; sampled lag drops once one catches up', async () => {
    const before = (await get<ConsumersResponse>('api/consumers')).body;
    const balances = before.consumers.find((consumer) => consumer.name === 'balances');
    expect(balances).toMatchObject({ tenant: 'default', status: 'behind', holder: null, parked: 0, heldBackBy: null });
    expect(balances?.lag).toBeGreaterThan(0);
    expect(balances?.checkpoint).toMatch(/^\d+:\d+$/);
    await seed.app.balances.catchUp();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = (await get<ConsumersResponse>('api/consumers')).body;
    const caughtUp = after.consumers.find((consumer) => consumer.name === 'balances');
    expect(caughtUp).toMatchObject({ lag: 0, status: 'caught-up', lagMs: null });
    const lags = caughtUp?.history.map((sample) => sample.lag) ?? [];
    expect(lags[0]).toBeGreaterThan(0);
    expect(lags.at(-1)).toBe(0);
    expect(after.consumers.map((consumer) => consumer.name)).toEqual(['balances', 'audit']);
  });

  test('outbox rows, pending and dead, with attempts and the last error', async () => {
    const dead = (await get<OutboxResponse>('api/outbox?status=dead')).body;
    expect(dead.rows).toHaveLength(1);
    expect(dead.rows[0]).toMatchObject({ status: 'dead', attempts: 1, nextAttemptAt: null });
    expect(dead.rows[0]?.lastError).toContain('broker unreachable');
    expect(dead.rows[0]?.event.stream.id).toBe('p-1');
    const pending = (await get<OutboxResponse>('api/outbox?status=pending')).body;
    expect(pending.rows.map((row) => [row.event.stream.id, row.status, row.attempts])).toEqual([['p-2', 'pending', 0]]);
    expect(pending.counts).toMatchObject({ pending: 1, dead: 1 });
    const bad = await get<ErrorBody>('api/outbox?status=gone');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'BAD_REQUEST']);
  });

  test('read-only: every action answers 403 ACTIONS_DISABLED and changes nothing', async () => {
    for (const path of ['api/outbox/retry', 'api/outbox/purge', 'api/consumers/balances/rebuild']) {
      const answer = await post<ErrorBody>(readOnly.url, path);
      expect([path, answer.status, answer.body.error.code]).toEqual([path, 403, 'ACTIONS_DISABLED']);
    }
    expect(await seed.app.relay.status()).toMatchObject({ pending: 1, dead: 1 });
  });

  test('actions: retry and purge dead rows by id, from the page origin only; rebuild a consumer, refused while another instance holds it', async () => {
    const [dead] = (await request<OutboxResponse>(`${acting.url}api/outbox?status=dead`)).body.rows;
    const foreign = await post<ErrorBody>(
      acting.url,
      'api/outbox/retry',
      { ids: [dead?.id] },
      { Origin: 'http://evil.example' },
    );
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'CROSS_ORIGIN']);
    const form = await request<ErrorBody>(`${acting.url}api/outbox/retry`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'ids=1',
    });
    expect([form.status, form.body.error.code]).toEqual([403, 'CROSS_ORIGIN']);
    expect(await seed.app.relay.status()).toMatchObject({ dead: 1 });

    expect((await post(acting.url, 'api/outbox/retry', { ids: [dead?.id] })).body).toEqual({ retried: 1 });
    expect(await seed.app.relay.status()).toMatchObject({ pending: 2, dead: 0 });
    await seed.app.relay.processBatch();
    expect(await seed.app.relay.status()).toMatchObject({ dead: 2 });
    expect((await post(acting.url, 'api/outbox/purge', { ids: [dead?.id] })).body).toEqual({ purged: 1 });
    expect(await seed.app.relay.status()).toMatchObject({ dead: 1 });
    const badIds = await post<ErrorBody>(acting.url, 'api/outbox/purge', { ids: [7] });
    expect([badIds.status, badIds.body.error.code]).toEqual([400, 'BAD_REQUEST']);

    const holder = await holdLease(seed.app, 'other-instance');
    const held = await post<ErrorBody>(acting.url, 'api/consumers/balances/rebuild');
    expect([held.status, held.body.error.code]).toEqual([409, 'CONSUMER_HELD']);
    await holder.stop();
    const accountEvents = (await seed.app.store.readAll({ categories: ['account'] })).events.length;
    const started = await post(acting.url, 'api/consumers/balances/rebuild');
    expect([started.status, started.body]).toEqual([202, { started: true }]);
    for (let i = 0; i < 100 && (await seed.app.balances.status()).lag > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await seed.app.handledCount()).toBe(accountEvents);
    const unknown = await post<ErrorBody>(acting.url, 'api/consumers/nobody/rebuild');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'CONSUMER_NOT_FOUND']);
  });
});
