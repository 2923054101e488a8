/**
 * The handler mounted in Express, Fastify and Nest, over the es command's Drizzle application on
 * PostgreSQL: the page at the mount path (and the redirect to its slash), the API, a JSON POST
 * whose body the framework parsed already, a live log message, and the host application's own
 * routes left alone.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { LogResponse, MetaResponse, OutboxResponse } from '../../dist/server/index.js';
import { createEventBrowser, type EventBrowser } from '../../dist/server/index.js';
import { firstMessages, post, request } from './support/http.ts';
import { MOUNTS, type Mounted } from './support/mounts.ts';
import { type Seeded, seeded } from './support/seeded.ts';

describe.each(Object.keys(MOUNTS))('the event browser mounted in %s', (framework) => {
  let seed: Seeded;
  let browser: EventBrowser;
  let mounted: Mounted;
  const url = (path: string) => `${mounted.origin}${path}`;

  beforeAll(async () => {
    seed = await seeded('postgres');
    browser = createEventBrowser({ ...seed.app, actions: true, ...(framework === 'Fastify' && { basePath: '/es' }) });
    mounted = await (MOUNTS[framework] as (browser: EventBrowser) => Promise<Mounted>)(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await mounted?.close();
    await seed?.app.close();
  });

  test('serves the page under the mount path, redirecting the path without its slash', async () => {
    const bare = await request(url('/es'));
    expect([bare.status, bare.headers.location]).toEqual([308, '/es/']);
    const page = await request(url('/es/'));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script type="module" src="main.js"></script>');
    const script = await request(url('/es/main.js'));
    expect([script.status, script.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    const again = await request(url('/es/main.js'), { headers: { 'If-None-Match': String(script.headers.etag) } });
    expect(again.status).toBe(304);
    expect((await request(url('/hello'))).text).toBe('the host application');
  });

  test('answers the API, and takes an action whose JSON body the framework parsed', async () => {
    expect((await request<MetaResponse>(url('/es/api/meta'))).body).toMatchObject({
      dialect: 'postgres',
      actions: true,
    });
    const [dead] = (await request<OutboxResponse>(url('/es/api/outbox?status=dead'))).body.rows;
    expect(dead?.event.stream.id).toBe('p-1');
    expect((await post(`${mounted.origin}/es/`, 'api/outbox/retry', { ids: [dead?.id] })).body).toEqual({ retried: 1 });
    expect(await seed.app.relay.status()).toMatchObject({ dead: 0, pending: 2 });
  });

  test('streams the live log', async () => {
    const [message] = await firstMessages(url('/es/api/log/live?after=0:0'), 1);
    const page = JSON.parse(message?.data ?? '{}') as LogResponse;
    expect(page.events[0]?.eventId).toBe(seed.recorded[0]?.id);
  });
});
