import { serveEventBrowser } from '@es/ui';
import type { Measurement } from '../measure.ts';
import { defineWorkload, seedAndAnalyze } from './workload.ts';

/** What the bench uses of the browser tests' Chromium harness (packages/ui/test/browser/support). */
interface Chromium {
  launchChromium(): Promise<{ close(): Promise<void> }>;
  openPage(browser: unknown): Promise<{ page: BrowserPage; errors: string[]; close(): Promise<void> }>;
}
interface BrowserPage {
  addInitScript(script: string): Promise<void>;
  goto(url: string): Promise<unknown>;
  /** A function, not a string: the page's Content-Security-Policy forbids evaluating strings. */
  evaluate<T>(work: () => T | Promise<T>): Promise<T>;
}

/** In the page: the first rows' time once recorded, and how many rows it shows. */
const firstRows = () =>
  new Promise<{ at: number; shown: number }>((resolve) => {
    const page = globalThis as unknown as { __firstRows?: number; requestAnimationFrame(next: () => void): void };
    const check = () => {
      if (page.__firstRows === undefined) return page.requestAnimationFrame(check);
      const rows = (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } })
        .document;
      resolve({ at: page.__firstRows, shown: rows.querySelectorAll('details.event').length });
    };
    check();
  });

/**
 * Recorded by the page itself: when the first of a stream's event rows is in the document and a
 * frame has been drawn with it, in milliseconds since the navigation started (HTML, scripts, the
 * meta and stream requests, the render).
 */
const FIRST_ROWS = `
  new MutationObserver((_, observer) => {
    if (!document.querySelector('details.event')) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstRows = performance.now(); });
  }).observe(document, { childList: true, subtree: true });
`;

/** `work`, or `failure()` once `ms` have passed. */
async function within<T>(ms: number, work: Promise<T>, failure: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(failure()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The event browser's first page of a 10,000-event stream, in headless Chromium: each sample is
 * the time from navigating to the stream's page to its first rows drawn (the page's first 100
 * events). Served by serveEventBrowser over the system's own store, as `es ui` serves it.
 */
export const browseStream = defineWorkload({
  name: 'browse-stream',
  description: "the event browser: a 10,000-event stream's first page in Chromium",
  uses: (system) => system.eventStore,
  async run(eventStore, system, sizes): Promise<Measurement> {
    const length = sizes.browsedStreamLength;
    await seedAndAnalyze(system, sizes, { prefix: 'browse', total: length, streams: 1 });
    const { launchChromium, openPage } = (await import(
      new URL('../../../ui/test/browser/support/chromium.ts', import.meta.url).href
    )) as Chromium;
    const served = await serveEventBrowser({ store: eventStore(), port: 0 });
    const browser = await launchChromium();
    try {
      const tab = await openPage(browser);
      await tab.page.addInitScript(FIRST_ROWS);
      const samples: number[] = [];
      let rows = 0;
      // The first load fills the browser's cache (revalidated with ETags after): not measured.
      for (let load = -1; load < sizes.browserLoads; load++) {
        await tab.page.goto('about:blank');
        await tab.page.goto(`${served.url}#/streams/bench/browse-0`);
        // A page that never shows its rows (a failed request, a script error) fails the row.
        const { at, shown } = await within(
          30_000,
          tab.page.evaluate(firstRows),
          () => new Error(`${system.name}: no rows within 30 s; ${tab.errors.join('; ')}`),
        );
        if (shown !== 100) throw new Error(`${system.name}: the first page showed ${shown} events, not 100`);
        if (load < 0) continue;
        samples.push(at);
        rows += shown;
      }
      if (tab.errors.length > 0) throw new Error(`${system.name}: the page failed: ${tab.errors.join('; ')}`);
      await tab.close();
      return { events: rows, wallMs: samples.reduce((sum, sample) => sum + sample, 0), samples };
    } finally {
      await browser.close();
      await served.close();
    }
  },
});
