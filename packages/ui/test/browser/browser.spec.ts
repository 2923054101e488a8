/**
 * The page in headless Chromium against the event browser's own server (serveEventBrowser, what
 * `es ui` runs) over the es command's test application: Drizzle on PostgreSQL, MariaDB and SQLite,
 * tables from drizzle-kit's migration SQL. Each test saves a screenshot of what it looked at
 * (test-artifacts/). Waits have timeouts; no test asserts a timing.
 */
import { networkInterfaces } from 'node:os';
import type { RecordedEvent } from '@es/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { type App, Deposited, type Dialect } from '../../../cli/test/support/app.ts';
import { DIALECTS } from '../../../cli/test/support/databases.ts';
import { type ServedEventBrowser, serveEventBrowser } from '../../dist/server/index.js';
import { seeded } from '../server/support/seeded.ts';
import { launchChromium, openPage, screenshot, type TestPage } from './support/chromium.ts';

/** This machine's first non-loopback IPv4 address, if it has one. */
function outsideAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  return undefined;
}

/** The page's rows of the live log, top to bottom: event ids and positions. */
async function logRows(page: Page): Promise<{ ids: string[]; positions: bigint[] }> {
  const rows = page.locator('.log .rows [data-event-id]');
  const ids = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-event-id')!));
  const positions = await rows.evaluateAll((elements) =>
    elements.map((element) => element.getAttribute('data-position')!),
  );
  return { ids, positions: positions.map(BigInt) };
}

/** Where the live log's columns start in each of its rows, the header's first. */
function columnEdges(page: Page): Promise<number[][]> {
  return page
    .locator('.log .row')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.children].map((cell) => Math.round(cell.getBoundingClientRect().left))),
    );
}

describe.each(DIALECTS)('the event browser in Chromium on %s', (dialect: Dialect) => {
  let app: App;
  let recorded: RecordedEvent[];
  let served: ServedEventBrowser;
  let browser: Browser;
  let tab: TestPage;
  /** The deposit whose correlation (and causation) id names the first payment request. */
  let caused: RecordedEvent;

  beforeAll(async () => {
    ({ app, recorded, caused } = await seeded(dialect));
    served = await serveEventBrowser({ ...app, actions: true, port: 0, lagSampling: { everyMs: 500 } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await app?.close();
  });

  beforeEach(async () => {
    tab = await openPage(browser);
  });

  afterEach(async () => {
    const { errors } = tab;
    await tab.close();
    expect(errors).toEqual([]);
  });

  test('goes from a category to a stream to an event, and follows its correlation link', async () => {
    const { page } = tab;
    await page.goto(served.url);
    await page.locator('.categories a', { hasText: 'account' }).click();
    await page.locator('h1', { hasText: 'account' }).waitFor();
    // The default tenant's account streams, by id; acme's a-9 is not among them.
    expect(await page.locator('.streams .rows .id').allTextContents()).toEqual(['a-1', 'a-2', 'a-3']);
    await screenshot(page, `${dialect}-streams`);

    await page.locator('.streams .rows a.row', { hasText: 'a-3' }).click();
    await page.locator('h1', { hasText: 'a-3' }).waitFor();
    const row = page.locator('details.event').first();
    expect(await row.locator('summary').innerText()).toContain('Deposited');
    await row.locator('summary').click();
    await row.locator('.json .j-num', { hasText: '9' }).waitFor();
    await screenshot(page, `${dialect}-stream`);

    // The correlation id names the payment request that caused the deposit: its link opens it.
    const correlation = row.locator('a[data-reference="correlation"]');
    expect(await correlation.textContent()).toBe(caused.metadata.correlationId);
    await correlation.click();
    await page.locator('h1', { hasText: 'PaymentRequested' }).waitFor();
    expect(page.url()).toContain(`#/events/${recorded[2]!.id}`);
    expect(await page.locator('.facts').innerText()).toContain('payment/p-1');
    await screenshot(page, `${dialect}-event`);
  });

  test("switches to another tenant's streams", async () => {
    const { page } = tab;
    await page.goto(served.url);
    await page.locator('.streams .rows a.row').first().waitFor();
    await page.locator('#tenant').fill('acme');
    await page.locator('#tenant').press('Enter');
    // acme's categories, once they replace the default tenant's.
    await page.locator('.categories a[href*="tenant=acme"]', { hasText: 'account' }).click();
    await page.locator('.streams .rows a.row', { hasText: 'a-9' }).click();
    await page.locator('details.event summary', { hasText: 'Deposited' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/streams/account/a-9?tenant=acme');
    expect(await page.locator('.stats').innerText()).toContain('acme');
  });

  test('searches streams by id from the keyboard, and opens one', async () => {
    const { page } = tab;
    // From another view, / goes to the streams and focuses their search.
    await page.goto(`${served.url}#/consumers`);
    await page.locator('[data-consumer="balances"]').waitFor();
    await page.keyboard.press('/');
    await page.locator('.streams .rows a.row').first().waitFor();
    expect(await page.locator(':focus').getAttribute('id')).toBe('search');
    await page.keyboard.type('p-');
    // The rows are filtered once 'p' is in; the search for 'p-' is in the address when it has run.
    await page.waitForURL(/search=p-/);
    await page.locator('.streams .rows .id', { hasText: 'a-1' }).waitFor({ state: 'detached' });
    expect(await page.locator('.streams .rows .id').allTextContents()).toEqual(['p-1', 'p-2']);

    // Escape leaves the field; j moves down the rows; Enter opens the focused one.
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await page.locator(':focus').textContent()).toContain('p-2');
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: 'p-2' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/streams/payment/p-2');
  });

  test('shows events in the live log as they commit, none skipped or repeated', async () => {
    const { page } = tab;
    await page.goto(`${served.url}#/log`);
    await page.locator('.live .badge', { hasText: 'Live' }).waitFor();
    const before = await logRows(page);
    const [columns] = await columnEdges(page);

    const appended = (
      await app.store.append({ category: 'account', id: 'live-1' }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      })
    ).events[0]!;
    await page.locator(`[data-event-id="${appended.id}"]`).waitFor({ timeout: 2000 });

    // Three more appends in a row: each of their events once, newest on top, in log order.
    const burst: string[] = [];
    for (let round = 0; round < 3; round++) {
      const { events } = await app.store.append(
        { category: 'account', id: `live-${round + 2}` },
        Array.from({ length: 5 }, (_, index) => Deposited.create({ amount: index })),
        { expectedVersion: 'no_stream' },
      );
      burst.push(...events.map((event) => event.id));
    }
    await page.locator(`[data-event-id="${burst.at(-1)}"]`).waitFor({ timeout: 5000 });
    const after = await logRows(page);
    expect(after.ids).toEqual([...burst.toReversed(), appended.id, ...before.ids]);
    expect(after.positions).toEqual(after.positions.toSorted((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    // No layout jumps: the columns stay where they were, every row's cells under them, every row
    // as tall as the others.
    const edges = await columnEdges(page);
    expect(edges).toEqual(edges.map(() => columns));
    const heights = await page
      .locator('.log .rows .row')
      .evaluateAll((rows) => rows.map((row) => Math.round(row.getBoundingClientRect().height)));
    expect([...new Set(heights)]).toEqual([heights[0]]);
    await screenshot(page, `${dialect}-log`);
  });

  test('resumes the live log after a dropped connection, none skipped or repeated', async () => {
    const { page } = tab;
    await page.goto(`${served.url}#/log`);
    const live = page.locator('.live .badge');
    await live.filter({ hasText: 'Live' }).waitFor();
    // One event arrives live first: the stream's last message id is past where the page started.
    const [first] = (
      await app.store.append({ category: 'account', id: 'away-first' }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      })
    ).events;
    await page.locator(`[data-event-id="${first!.id}"]`).waitFor({ timeout: 2000 });
    const before = await logRows(page);

    // The server drops every connection; events commit while the page is away.
    served.server.closeAllConnections();
    await live.filter({ hasText: 'Reconnecting' }).waitFor();
    const appended: string[] = [];
    for (let round = 0; round < 2; round++) {
      const { events } = await app.store.append(
        { category: 'account', id: `away-${round}` },
        [Deposited.create({ amount: 1 }), Deposited.create({ amount: 2 })],
        { expectedVersion: 'no_stream' },
      );
      appended.push(...events.map((event) => event.id));
    }
    // EventSource reconnects by itself, with the last message's id: the log goes on from there.
    await page.locator(`[data-event-id="${appended.at(-1)}"]`).waitFor({ timeout: 15_000 });
    await live.filter({ hasText: 'Live' }).waitFor();
    expect((await logRows(page)).ids).toEqual([...appended.toReversed(), ...before.ids]);
    // The dropped stream's console line, expected; any other error still fails the test.
    const dropped = tab.errors.filter((error) => error.includes('ERR_INCOMPLETE_CHUNKED_ENCODING'));
    expect(dropped).toHaveLength(1);
    tab.errors.splice(tab.errors.indexOf(dropped[0]!), 1);
  });

  test("shows a consumer's lag drop once it catches up", async () => {
    const { page } = tab;
    await page.goto(`${served.url}#/consumers`);
    const lag = page.locator('[data-consumer="balances"] [data-lag]');
    await lag.waitFor();
    expect(Number(await lag.getAttribute('data-lag'))).toBeGreaterThan(0);
    expect(await page.locator('[data-consumer="balances"] .badge').textContent()).toBe('behind');

    await app.balances.catchUp();
    await page.locator('[data-consumer="balances"] [data-lag="0"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-consumer="balances"] .badge').textContent()).toBe('caught-up');
    await screenshot(page, `${dialect}-consumers`);
  });

  test('shows no action buttons when actions are off, and its endpoints refuse them', async () => {
    const readOnly = await serveEventBrowser({ ...app, port: 0 });
    try {
      const { page } = tab;
      await page.goto(`${readOnly.url}#/outbox?status=dead`);
      await page.locator('[data-outbox-id]').first().waitFor();
      expect(await page.locator('[data-outbox-id]').count()).toBe(1);
      expect(await page.locator('button[data-action]').count()).toBe(0);
      expect(await page.locator('.store').innerText()).toContain('read-only');
      await page.goto(`${readOnly.url}#/consumers`);
      await page.locator('[data-consumer="balances"]').waitFor();
      expect(await page.locator('button[data-action]').count()).toBe(0);

      const refused = await page.evaluate(async () => {
        const response = await fetch('api/outbox/retry', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        return { status: response.status, body: await response.json() };
      });
      expect(refused).toEqual({
        status: 403,
        body: { error: { code: 'ACTIONS_DISABLED', message: expect.any(String) } },
      });
      tab.errors.length = 0; // the refused POST's console line, expected
    } finally {
      await tab.page.goto('about:blank');
      await readOnly.close();
    }
  });

  test('retries a dead outbox row with actions on', async () => {
    const { page } = tab;
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${served.url}#/outbox?status=dead`);
    const dead = page.locator('[data-outbox-id]');
    await dead.first().waitFor();
    expect(await dead.count()).toBe(1);
    expect(await dead.first().innerText()).toContain('broker unreachable');
    await screenshot(page, `${dialect}-outbox-dead`);

    await dead.first().locator('button[data-action="retry"]').click();
    await page.locator('.empty-title', { hasText: 'No dead rows' }).waitFor();
    expect(await page.locator('.tab', { hasText: 'Pending' }).innerText()).toContain('2');
    const pending = await app.relay.list({ status: 'pending' });
    expect(pending.map((row) => row.event.stream.id).sort()).toEqual(['p-1', 'p-2']);
  });

  test('rebuilds a consumer from its button with actions on', async () => {
    const { page } = tab;
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    // balances' checkpoint back at the start, its read model kept: catching up again would insert
    // every row a second time; a rebuild clears the read model first.
    await app.balances.catchUp();
    const handled = await app.handledCount();
    await app.balances.reset(0n);
    await page.goto(`${served.url}#/consumers`);
    const lag = page.locator('[data-consumer="balances"] [data-lag]');
    await lag.waitFor();
    expect(Number(await lag.getAttribute('data-lag'))).toBe(handled);

    await page.locator('[data-consumer="balances"] button[data-action="rebuild"]').click();
    await page.locator('[data-consumer="balances"] [data-lag="0"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-consumer="balances"] .badge', { hasText: 'caught-up' }).waitFor();
    expect(asked).toEqual([expect.stringContaining('Rebuild balances?')]);
    expect(await app.handledCount()).toBe(handled);
  });

  test('bound beyond loopback, refuses to start without a token and requests without it', async () => {
    const outside = outsideAddress();
    const host = outside ?? '0.0.0.0';
    await expect(serveEventBrowser({ ...app, host, port: 0 })).rejects.toMatchObject({ code: 'TOKEN_REQUIRED' });

    const token = 'a-token-for-the-test';
    const guarded = await serveEventBrowser({ ...app, host, port: 0, token });
    try {
      // Requested through the address it is bound to (or through loopback when bound to all).
      const url = outside ? guarded.url : guarded.url.replace('0.0.0.0', '127.0.0.1');
      const { page } = tab;
      const refused = await page.goto(url);
      expect(refused?.status()).toBe(401);
      expect(await page.locator('body').innerText()).toContain('UNAUTHORIZED');
      const api = await fetch(`${url}api/meta`);
      expect(api.status).toBe(401);

      // With ?token= once, the page loads, and its own requests carry the cookie it got.
      await page.goto(`${url}?token=${token}#/outbox`);
      await page.locator('h1', { hasText: 'Outbox' }).waitFor();
      expect(page.url()).not.toContain(token);
      expect((await fetch(`${url}api/meta`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      tab.errors.length = 0; // the refused page load's console line, expected
    } finally {
      await tab.page.goto('about:blank');
      await guarded.close();
    }
  });
});
