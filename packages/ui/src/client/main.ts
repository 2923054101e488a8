/**
 * The event browser's page: reads the server's meta, then shows the view the address names,
 * again whenever it changes. Each view gets a signal and a leave hook, so leaving it stops its
 * requests, its polling and its live connection.
 */
import type { MetaResponse } from '../api/contract.js';
import { api } from './api.js';
import { failure } from './components/states.js';
import type { View, ViewContext } from './context.js';
import { h, replace } from './dom.js';
import { refreshRelativeTimes } from './format.js';
import { installShortcuts } from './keyboard.js';
import { parseRoute, type Route } from './router.js';
import { consumersView } from './views/consumers.js';
import { eventView } from './views/event.js';
import { logView } from './views/log.js';
import { outboxView } from './views/outbox.js';
import { streamView } from './views/stream.js';
import { streamsView } from './views/streams.js';

const main = document.getElementById('content')!;

const missing: View<'missing'> = async () =>
  h(
    'div',
    { class: 'empty' },
    h('p', { class: 'empty-title' }, 'Nothing here'),
    h('a', { href: '#/' }, 'Back to the streams'),
  );

const VIEWS: { readonly [V in Route['view']]: View<V> } = {
  streams: streamsView,
  stream: streamView,
  event: eventView,
  log: logView,
  consumers: consumersView,
  outbox: outboxView,
  missing,
};

function render(route: Route, context: ViewContext): Promise<HTMLElement> {
  return (VIEWS[route.view] as View<Route['view']>)(route as never, context);
}

const TITLES: Record<Route['view'], string> = {
  streams: 'Streams',
  stream: 'Stream',
  event: 'Event',
  log: 'Live log',
  consumers: 'Consumers',
  outbox: 'Outbox',
  missing: 'Not found',
};

/** Set by the / shortcut outside the streams view: focus the search once they are shown. */
let searchOnShow = false;

/** The view on screen: leaving it aborts its requests and runs its cleanups. */
let current: { controller: AbortController; cleanups: (() => void)[] } | null = null;

function leaveView(): void {
  if (!current) return;
  current.controller.abort();
  for (const cleanup of current.cleanups) cleanup();
  current = null;
}

async function show(meta: MetaResponse, options: { focus: boolean }): Promise<void> {
  leaveView();
  const route = parseRoute(location.hash);
  const view = { controller: new AbortController(), cleanups: [] as (() => void)[] };
  current = view;
  const context: ViewContext = {
    meta,
    signal: view.controller.signal,
    onLeave: (cleanup) => view.cleanups.push(cleanup),
    refresh: () => void show(meta, { focus: false }),
  };
  document.title = `${TITLES[route.view]} · Event browser`;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    const active =
      link.dataset.nav === route.view || (link.dataset.nav === 'streams' && /^(stream|event)$/.test(route.view));
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  // The old view stays until the new one is ready, so the page does not flash empty between views.
  const slow = setTimeout(() => main.classList.add('pending'), 150);
  let content: HTMLElement;
  try {
    content = await render(route, context);
  } catch (error) {
    if (view.controller.signal.aborted) return;
    content = failure(error);
  } finally {
    clearTimeout(slow);
  }
  if (current !== view) return;
  main.classList.remove('pending');
  main.removeAttribute('aria-busy');
  replace(main, content);
  main.dataset.view = route.view;
  if (searchOnShow) document.querySelector<HTMLInputElement>('[data-search]')?.focus();
  else if (options.focus) main.focus({ preventScroll: true });
  searchOnShow = false;
  window.scrollTo(0, 0);
}

function showStore(meta: MetaResponse): void {
  replace(
    document.getElementById('store')!,
    h('span', { class: 'chip' }, meta.storeName, h('span', { class: 'muted' }, ` · ${meta.dialect}`)),
    meta.tenantScoped ? h('span', { class: 'chip' }, `tenant ${meta.tenant}`) : null,
    meta.actions
      ? h(
          'span',
          { class: 'chip warn', title: 'Dead outbox rows can be retried or purged, consumers rebuilt' },
          'actions on',
        )
      : h('span', { class: 'chip', title: 'Started without actions: nothing can be changed from here' }, 'read-only'),
  );
}

async function start(): Promise<void> {
  let meta: MetaResponse;
  try {
    meta = await api.meta();
  } catch (error) {
    replace(main, failure(error));
    return;
  }
  showStore(meta);
  installShortcuts(() => {
    const search = document.querySelector<HTMLInputElement>('[data-search]');
    if (search) return search.focus();
    // Elsewhere, / goes to the streams and focuses their search once they are shown.
    searchOnShow = true;
    location.hash = '#/';
  });
  window.addEventListener('hashchange', () => void show(meta, { focus: true }));
  setInterval(refreshRelativeTimes, 10_000);
  await show(meta, { focus: false });
}

void start();
