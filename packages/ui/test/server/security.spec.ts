/**
 * Who may use the event browser: a token off loopback (refusing to start without one), as a
 * Bearer header or the cookie a first page load with ?token= sets; on loopback without a token,
 * only requests addressed to a loopback name.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ErrorBody } from '../../dist/server/index.js';
import { createEventBrowser, type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { request } from './support/http.ts';
import { type Seeded, seeded } from './support/seeded.ts';

const TOKEN = 'a-long-enough-secret';

/** This machine's first non-loopback IPv4 address; without one, 0.0.0.0 reached through 127.0.0.1. */
function outsideAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  return undefined;
}

describe('the event browser off loopback and on it', () => {
  let seed: Seeded;
  let outside: ServedEventBrowser;
  let loopback: ServedEventBrowser;
  const address = outsideAddress();

  beforeAll(async () => {
    seed = await seeded('sqlite');
    outside = await serveEventBrowser({ ...seed.app, host: address ?? '0.0.0.0', port: 0, token: TOKEN });
    loopback = await serveEventBrowser({ ...seed.app, port: 0 });
  });
  afterAll(async () => {
    await outside?.close();
    await loopback?.close();
    await seed?.app.close();
  });

  test('refuses to serve another address than loopback without a token, and a token too short to be one', async () => {
    await expect(serveEventBrowser({ ...seed.app, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'TOKEN_REQUIRED',
    });
    expect(() => createEventBrowser({ ...seed.app, token: 'short' })).toThrow(TypeError);
  });

  test('off loopback, a request without the token (or with another) gets 401 and no data', async () => {
    expect(outside.url).toBe(
      `http://${address ?? '0.0.0.0'}:${outside.server.address() && (outside.server.address() as { port: number }).port}/`,
    );
    const base = address ? outside.url : outside.url.replace('0.0.0.0', '127.0.0.1');
    for (const path of ['', 'api/meta', 'api/log', 'main.js']) {
      const refused = await request<ErrorBody>(new URL(path, base).href);
      expect([path, refused.status, refused.body.error.code]).toEqual([path, 401, 'UNAUTHORIZED']);
    }
    const wrong = await request<ErrorBody>(`${base}api/meta`, { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const wrongLink = await request(`${base}?token=not-the-token`);
    expect(wrongLink.status).toBe(401);
    const bearer = await request(`${base}api/meta`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  test('a first page load with ?token= trades it for an HttpOnly, SameSite cookie the page then sends', async () => {
    const base = address ? outside.url : outside.url.replace('0.0.0.0', '127.0.0.1');
    const link = await request(`${base}?token=${TOKEN}#/log`);
    expect(link.status).toBe(303);
    expect(link.headers.location).toBe('/');
    const cookie = String(link.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const sent = cookie.split(';')[0] as string;
    expect((await request(`${base}`, { headers: { Cookie: sent } })).status).toBe(200);
    expect((await request(`${base}api/streams`, { headers: { Cookie: sent } })).status).toBe(200);
  });

  test('on loopback without a token, a request addressed to another name (DNS rebinding) is refused', async () => {
    const port = (loopback.server.address() as { port: number }).port;
    const rebound = await request<ErrorBody>(`http://127.0.0.1:${port}/api/meta`, {
      headers: { Host: `evil.example:${port}` },
    });
    expect([rebound.status, rebound.body.error.code]).toEqual([403, 'FOREIGN_HOST']);
    const local = await request(`http://127.0.0.1:${port}/api/meta`, { headers: { Host: `localhost:${port}` } });
    expect(local.status).toBe(200);
  });
});
