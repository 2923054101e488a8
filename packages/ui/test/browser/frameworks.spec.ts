/**
 * The page in Chromium with the handler mounted in Express, Fastify and Nest (the mounts of the
 * request-level tests, test/server/support/mounts.ts) over the es command's application on
 * PostgreSQL: opened at the mount path without its slash, it browses to a stream.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { createEventBrowser, type EventBrowser } from '../../dist/server/index.js';
import { MOUNTS, type Mounted } from '../server/support/mounts.ts';
import { type Seeded, seeded } from '../server/support/seeded.ts';
import { launchChromium, openPage, screenshot } from './support/chromium.ts';

describe.each(Object.keys(MOUNTS))('the page in Chromium, mounted in %s', (framework) => {
  let seed: Seeded;
  let browser: EventBrowser;
  let mounted: Mounted;
  let chromium: Browser;

  beforeAll(async () => {
    seed = await seeded('postgres');
    browser = createEventBrowser({ ...seed.app, ...(framework === 'Fastify' && { basePath: '/es' }) });
    mounted = await (MOUNTS[framework] as (browser: EventBrowser) => Promise<Mounted>)(browser);
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await browser?.close();
    await mounted?.close();
    await seed?.app.close();
  });

  test('loads at the mount path and browses to a stream', async () => {
    const { page, errors, close } = await openPage(chromium);
    try {
      await page.goto(`${mounted.origin}/es`);
      expect(new URL(page.url()).pathname).toBe('/es/');
      await page.locator('.categories a', { hasText: 'payment' }).click();
      await page.locator('.streams .rows a.row', { hasText: 'p-1' }).click();
      await page.locator('details.event summary', { hasText: 'PaymentRequested' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#/streams/payment/p-1');
      await screenshot(page, `${framework.toLowerCase()}-stream`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
