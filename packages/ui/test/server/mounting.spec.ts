/**
 * The handler mounted in Express, Fastify and Nest, over the es command's Drizzle application on
 * PostgreSQL: the page at the mount path (and the redirect to its slash), the API, a JSON POST
 * whose body the framework parsed already, a live log message, and the host application's own
 * routes left alone.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import Fastify from 'fastify';
import type { LogResponse, MetaResponse, OutboxResponse } from '../../dist/server/index.js';
import { createEventBrowser, type EventBrowser } from '../../dist/server/index.js';
import { firstMessages, post, request } from './support/http.ts';
import { type Seeded, seeded } from './support/seeded.ts';

/** The host application's module (Nest's decorator applied as a call: no compiler settings needed). */
class HostModule {}
Module({})(HostModule);

interface Mounted {
  /** The host application's address, e.g. http://127.0.0.1:1234 */
  readonly origin: string;
  close(): Promise<void>;
}

const listening = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const MOUNTS: Record<string, (browser: EventBrowser) => Promise<Mounted>> = {
  async Express(browser) {
    const app = express();
    app.use(express.json());
    app.use('/es', browser.handler);
    app.get('/hello', (_req, res) => {
      res.send('the host application');
    });
    const server = await new Promise<Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    return { origin: listening(server), close: () => new Promise((resolve) => server.close(() => resolve())) };
  },
  async Fastify(browser) {
    const app = Fastify();
    // The raw handler takes the request as Node has it, with the body Fastify parsed.
    const serve = (req: { raw: object; body?: unknown }, reply: { hijack(): void; raw: object }) => {
      reply.hijack();
      browser.handler(Object.assign(req.raw, { body: req.body }) as never, reply.raw as never);
    };
    app.all('/es', serve);
    app.all('/es/*', serve);
    app.get('/hello', async () => 'the host application');
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { origin: listening(app.server), close: () => app.close() };
  },
  async Nest(browser) {
    const app = await NestFactory.create<NestExpressApplication>(HostModule, { logger: false });
    app.use('/es', browser.handler);
    (app.getHttpAdapter().getInstance() as express.Express).get('/hello', (_req, res) => {
      res.send('the host application');
    });
    await app.listen(0, '127.0.0.1');
    return { origin: listening(app.getHttpServer()), close: () => app.close() };
  },
};

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
