/**
 * The README's screenshots (test-artifacts/docs-*.png; the ones shown are copied to docs/ by
 * hand): the page over a small bank on SQLite, tables from drizzle-kit's migration SQL, in light
 * and dark. Each view is checked for what the bank put there: the snapshot, the correlation link,
 * the consumer's lag history, the dead row's error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { causedBy, type RecordedEvent } from '@es/core';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { AccountOpened, type App, Deposited, openApp, PaymentRequested } from '../../../cli/test/support/app.ts';
import { freshDatabase } from '../../../cli/test/support/databases.ts';
import { type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { launchChromium, openPage, screenshot } from './support/chromium.ts';

const OWNERS = [
  'Ada Lovelace',
  'Grace Hopper',
  'Alan Turing',
  'Barbara Liskov',
  'Edsger Dijkstra',
  'Margaret Hamilton',
];

/** Six accounts with deposits, payments caused by them (their outbox rows dead: the broker is down), a snapshot. */
async function openBank(app: App): Promise<{ deposit: RecordedEvent; appended: number }> {
  const accounts: RecordedEvent[][] = [];
  for (const [index, owner] of OWNERS.entries()) {
    const id = `acc-${1040 + index}`;
    const { events } = await app.store.append(
      { category: 'account', id },
      [
        AccountOpened.create({
          owner,
          openedAt: new Date(Date.UTC(2025, index, 3 + index, 9, 30)),
          tags: new Set(index % 2 ? ['retail'] : ['retail', 'premium']),
        }),
        ...Array.from({ length: 2 + (index % 4) }, (_, deposit) =>
          Deposited.create({ amount: 250 * (deposit + 1) + index * 15, cents: BigInt(deposit * 25) }),
        ),
      ],
      { expectedVersion: 'no_stream', metadata: { correlationId: `signup-${id}`, channel: 'mobile' } },
    );
    accounts.push(events);
  }
  const deposit = accounts[2]![1]!;
  await app.store.saveSnapshot(
    { category: 'account', id: 'acc-1042' },
    {
      version: 3,
      state: { owner: 'Alan Turing', balance: 805, premium: true },
    },
  );
  for (const [index, events] of accounts.slice(0, 3).entries())
    await app.store.append(
      { category: 'payment', id: `pay-${7000 + index}` },
      PaymentRequested.create({ amount: 120 + index }),
      {
        expectedVersion: 'no_stream',
        metadata: causedBy(events.at(-1)!),
      },
    );
  await app.relay.processBatch();
  return { deposit, appended: accounts.flat().length + 3 };
}

describe('the README screenshots, on SQLite', () => {
  let app: App;
  let served: ServedEventBrowser;
  let browser: Browser;
  let bank: Awaited<ReturnType<typeof openBank>>;

  beforeAll(async () => {
    app = await openApp('sqlite', await freshDatabase('sqlite'));
    bank = await openBank(app);
    served = await serveEventBrowser({ ...app, port: 0, lagSampling: { everyMs: 250 } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await app?.close();
  });

  /** A page in each color scheme, screenshot `docs-<name>-<scheme>.png` once `ready` resolves. */
  async function shoot(name: string, hash: string, ready: (page: Page) => Promise<void>, height = 760): Promise<void> {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors, close } = await openPage(browser, { colorScheme, viewport: { width: 1280, height } });
      try {
        await page.goto(`${served.url}${hash}`);
        await ready(page);
        await screenshot(page, `docs-${name}-${colorScheme}`);
        expect(errors).toEqual([]);
      } finally {
        await close();
      }
    }
  }

  test('a stream with its snapshot, an event opened', async () => {
    await shoot('stream', '#/streams/account/acc-1042', async (page) => {
      await page.locator('.snapshot', { hasText: 'at version 3' }).waitFor();
      const event = page.locator(`details.event[data-event-id="${bank.deposit.id}"]`);
      await event.locator('summary').click();
      await event.locator('a[data-reference="correlation"]', { hasText: 'signup-acc-1042' }).waitFor();
      await event.locator('.json .j-key', { hasText: '"cents"' }).waitFor();
    });
  });

  test('the live log', async () => {
    await shoot('log', '#/log', async (page) => {
      await page.locator('.live .badge', { hasText: 'Live' }).waitFor();
      expect(await page.locator('.log .rows .row').count()).toBe(bank.appended);
    });
  });

  test("consumers, with balances' lag over the last seconds", async () => {
    // The server samples lag once asked for it. Lag rises as deposits arrive and falls when
    // balances catches up, three times over.
    await app.balances.catchUp();
    expect((await fetch(`${served.url}api/consumers`)).status).toBe(200);
    for (let wave = 0; wave < 3; wave++) {
      for (let step = 0; step < 4; step++) {
        await app.store.append(
          { category: 'account', id: `acc-${1040 + step}` },
          Deposited.create({ amount: 10 + step }),
          {
            expectedVersion: 'any',
          },
        );
        await sleep(300);
      }
      await app.balances.catchUp();
      await sleep(600);
    }
    await shoot(
      'consumers',
      '#/consumers',
      async (page) => {
        const balances = page.locator('[data-consumer="balances"]');
        await balances.locator('[data-lag="0"]').waitFor();
        expect(await balances.locator('svg').getAttribute('aria-label')).toMatch(/now 0, at most 4$/);
      },
      400,
    );
  });

  test("the outbox's dead rows", async () => {
    await shoot('outbox', '#/outbox?status=dead', async (page) => {
      await page.locator('[data-outbox-id]').nth(2).waitFor();
      expect(await page.locator('.error').first().innerText()).toContain('ECONNREFUSED');
    });
  });
});
