/**
 * The event browser's handler mounted in each framework the README shows, beside a route of the
 * host application's own (GET /hello), on 127.0.0.1 and a free port: Express and Nest with
 * `app.use('/es', handler)`, Fastify with a raw route (the browser made with basePath '/es').
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import Fastify from 'fastify';
import type { EventBrowser } from '../../../dist/server/index.js';

/** The host application's module (Nest's decorator applied as a call: no compiler settings needed). */
class HostModule {}
Module({})(HostModule);

export interface Mounted {
  /** The host application's address, e.g. http://127.0.0.1:1234 */
  readonly origin: string;
  close(): Promise<void>;
}

const listening = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

export const MOUNTS: Record<string, (browser: EventBrowser) => Promise<Mounted>> = {
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
