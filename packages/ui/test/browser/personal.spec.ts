/**
 * Personal data in the event browser, in headless Chromium: a store whose event declares personal
 * fields (encrypted per customer), one customer forgotten. Served masked (the default) and
 * 'visible' (`es ui --show-personal`), over Drizzle on PostgreSQL, MariaDB and SQLite with the
 * tables (the data keys among them) from drizzle-kit's migration SQL. Screenshots in test-artifacts/.
 */
import { randomBytes } from 'node:crypto';
import {
  createEventStore,
  defineEvent,
  type EventStore,
  type EventStoreBackend,
  personal,
  type RecordedEvent,
} from '@es/core';
import { createDrizzleBackend } from '@es/drizzle';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { z } from 'zod';
import type { Dialect } from '../../../cli/test/support/app.ts';
import { DIALECTS, freshDatabase } from '../../../cli/test/support/databases.ts';
import { type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { DATABASE } from '../server/support/seeded.ts';
import { launchChromium, openPage, screenshot, type TestPage } from './support/chromium.ts';

const CustomerRegistered = defineEvent(
  'CustomerRegistered',
  z.object({
    customerId: z.string(),
    email: personal(z.string(), { subject: 'customerId', erased: '[erased]' }),
    name: personal(z.string().nullable(), { subject: 'customerId', erased: null }),
    plan: z.enum(['free', 'pro']),
  }),
);

/** A store with personal data over the dialect's Drizzle database, in a fresh es_ui database. */
async function openStore(dialect: Dialect) {
  const url = await freshDatabase(dialect, DATABASE);
  const opened =
    dialect === 'postgres'
      ? (() => {
          const pool = new pg.Pool({ connectionString: url, max: 4 });
          return { backend: createDrizzleBackend(drizzlePg(pool)), close: () => pool.end() };
        })()
      : dialect === 'mysql'
        ? (() => {
            const pool = mysql.createPool({ uri: url, connectionLimit: 4 });
            return { backend: createDrizzleBackend(drizzleMysql(pool)), close: () => pool.end() };
          })()
        : (() => {
            const client = new Database(url);
            return { backend: createDrizzleBackend(drizzleSqlite(client)), close: async () => void client.close() };
          })();
  const store = createEventStore({
    backend: opened.backend as EventStoreBackend<unknown>,
    events: [CustomerRegistered],
    personalData: { masterKeys: [{ id: 'ui-test', key: new Uint8Array(randomBytes(32)) }] },
  });
  return { store: store as unknown as EventStore, close: opened.close };
}

/** The event view's top-level data members: key, value text and mark (`personal`, `erased` or none). */
async function dataMembers(page: Page): Promise<Record<string, { value: string; mark: string | null }>> {
  const members = page.locator('.payload section').first().locator('.json > details > .j-members > .j-member');
  await members.first().waitFor();
  const rows = await members.evaluateAll((elements) =>
    elements.map((element) => ({
      key: JSON.parse(element.querySelector('.j-key')?.textContent ?? '""') as string,
      value: element.querySelector('.j-str, .j-null, .j-num, .j-bool')?.textContent ?? '',
      mark: element.querySelector('[data-mark]')?.getAttribute('data-mark') ?? null,
    })),
  );
  return Object.fromEntries(rows.map(({ key, value, mark }) => [key, { value, mark }]));
}

describe.each(DIALECTS)('personal data in the event browser in Chromium on %s', (dialect: Dialect) => {
  let opened: Awaited<ReturnType<typeof openStore>>;
  let masked: ServedEventBrowser;
  let visible: ServedEventBrowser;
  let browser: Browser;
  let tab: TestPage;
  let ada: RecordedEvent;
  let bob: RecordedEvent;

  beforeAll(async () => {
    opened = await openStore(dialect);
    const register = async (customerId: string, email: string, name: string) => {
      const { events } = await opened.store.append(
        { category: 'customer', id: customerId },
        CustomerRegistered.create({ customerId, email, name, plan: 'pro' }),
        { expectedVersion: 'no_stream' },
      );
      return events[0] as RecordedEvent;
    };
    ada = await register('c-ada', 'ada@example.com', 'Ada Lovelace');
    bob = await register('c-bob', 'bob@example.com', 'Bob Builder');
    expect(await opened.store.forget('c-bob')).toEqual({ keysDeleted: 1 });
    masked = await serveEventBrowser({ store: opened.store, port: 0 });
    visible = await serveEventBrowser({ store: opened.store, port: 0, personalData: 'visible' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await masked?.close();
    await visible?.close();
    await opened?.close();
  });

  beforeEach(async () => {
    tab = await openPage(browser);
  });

  afterEach(async () => {
    const { errors } = tab;
    await tab.close();
    expect(errors).toEqual([]);
  });

  test('masked by default: personal values never leave the server, the page marks them and the erased ones', async () => {
    const meta = (await (await fetch(`${masked.url}api/meta`)).json()) as { masking: boolean };
    expect(meta.masking).toBe(true);
    const answer = await (await fetch(`${masked.url}api/events/${ada.id}`)).text();
    expect(answer).not.toContain('ada@example.com');
    expect(answer).not.toContain('Ada Lovelace');
    expect(JSON.parse(answer).event).toMatchObject({
      data: { customerId: 'c-ada', email: '[personal]', name: '[personal]', plan: 'pro' },
      masked: ['email', 'name'],
    });
    // The stream's page and the log mask the same way.
    for (const path of ['api/log', 'api/stream?tenant=default&category=customer&id=c-ada']) {
      const text = await (await fetch(`${masked.url}${path}`)).text();
      expect(text).toContain('"email":"[personal]"');
      expect(text).not.toContain('ada@example.com');
    }

    const { page } = tab;
    await page.goto(`${masked.url}#/events/${ada.id}`);
    expect(await dataMembers(page)).toEqual({
      customerId: { value: '"c-ada"', mark: null },
      email: { value: '"[personal]"', mark: 'personal' },
      name: { value: '"[personal]"', mark: 'personal' },
      plan: { value: '"pro"', mark: null },
    });
    await screenshot(page, `personal-masked-${dialect}`);

    // Bob was forgotten: his fields read as their declared erased values, marked erased (not masked).
    await page.goto(`${masked.url}#/events/${bob.id}`);
    await page.locator('h1', { hasText: 'CustomerRegistered' }).waitFor();
    await page.locator('[data-mark="erased"]').first().waitFor();
    expect(await dataMembers(page)).toEqual({
      customerId: { value: '"c-bob"', mark: null },
      email: { value: '"[erased]"', mark: 'erased' },
      name: { value: 'null', mark: 'erased' },
      plan: { value: '"pro"', mark: null },
    });
    await screenshot(page, `personal-erased-${dialect}`);
  });

  test("personalData 'visible': the values as the store reads them, erased fields still marked", async () => {
    const meta = (await (await fetch(`${visible.url}api/meta`)).json()) as { masking: boolean };
    expect(meta.masking).toBe(false);

    const { page } = tab;
    await page.goto(`${visible.url}#/events/${ada.id}`);
    expect(await dataMembers(page)).toEqual({
      customerId: { value: '"c-ada"', mark: null },
      email: { value: '"ada@example.com"', mark: null },
      name: { value: '"Ada Lovelace"', mark: null },
      plan: { value: '"pro"', mark: null },
    });
    await screenshot(page, `personal-visible-${dialect}`);

    await page.goto(`${visible.url}#/events/${bob.id}`);
    await page.locator('[data-mark="erased"]').first().waitFor();
    expect(await dataMembers(page)).toMatchObject({
      email: { value: '"[erased]"', mark: 'erased' },
      name: { value: 'null', mark: 'erased' },
    });
  });
});
