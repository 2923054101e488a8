/** Categories with their stream counts, and the streams of one (or all), searchable by id and paged. */
import type { CategorySummary, StreamSummaryJson } from '../../api/contract.js';
import { api } from '../api.js';
import { pager } from '../components/pager.js';
import { empty, failure } from '../components/states.js';
import { categoryHref, routeTenant, streamHref, type View } from '../context.js';
import { h, replace } from '../dom.js';
import { count, timeAgo } from '../format.js';
import { href } from '../router.js';

const PAGE = 50;

export const streamsView: View<'streams'> = async (route, context) => {
  const { meta, signal } = context;
  const tenant = route.tenant ?? meta.tenant;
  const categories = await api.categories({ tenant }, signal);

  const categoryLink = (category: CategorySummary) =>
    h(
      'a',
      {
        href: categoryHref(meta, category.tenant, category.category),
        'aria-current': category.category === route.category ? 'page' : null,
      },
      h('span', { class: 'name' }, category.category),
      h('span', { class: 'count' }, count(category.streams) + (category.streamsCapped ? '+' : '')),
    );
  const nav = h(
    'nav',
    { class: 'categories', 'aria-label': 'Categories' },
    h(
      'a',
      {
        href: href({ view: 'streams', tenant: routeTenant(meta, tenant) }),
        'aria-current': route.category === undefined ? 'page' : null,
      },
      h('span', null, 'All streams'),
    ),
    categories.categories.map(categoryLink),
  );
  // Categories come a page at a time too (each one's count is a probe of the streams' key).
  const moreCategories = pager<string>('More categories', async (after) => {
    const page = await api.categories({ tenant, after }, signal);
    nav.append(...page.categories.map(categoryLink));
    moreCategories.next(page.next);
  });
  moreCategories.next(categories.next);

  const tenantField = meta.tenantScoped
    ? h('p', { class: 'tenant muted' }, 'Tenant ', h('strong', null, tenant))
    : h(
        'form',
        {
          class: 'tenant',
          onsubmit: (event: Event) => {
            event.preventDefault();
            const value = new FormData(event.target as HTMLFormElement).get('tenant');
            location.hash = href({ view: 'streams', tenant: routeTenant(meta, String(value || meta.tenant)) });
          },
        },
        h('label', { for: 'tenant' }, 'Tenant'),
        h('input', { id: 'tenant', name: 'tenant', value: tenant, autocomplete: 'off', spellcheck: 'false' }),
      );

  const search = h('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Stream id starts with…',
    value: route.search ?? '',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': 'Search streams by id',
    'data-search': '',
  });
  const rows = h('div', { class: 'rows', role: 'list' });
  const status = h('p', { class: 'muted small', 'aria-live': 'polite' });
  const showCategory = route.category === undefined;

  const row = (stream: StreamSummaryJson) =>
    h(
      'a',
      { class: 'row', role: 'listitem', href: streamHref(meta, stream), 'data-row': '' },
      h('span', { class: 'mono id' }, stream.id),
      showCategory ? h('span', { class: 'muted' }, stream.category) : null,
      h('span', { class: 'num' }, count(stream.version)),
      h('span', { class: 'when' }, timeAgo(stream.updatedAt)),
    );

  let generation = 0;
  let shown = 0;
  const more = pager<string>('Load more streams', async (after) => append(await load(after)));
  const load = (after: string | null) =>
    api.streams({ tenant, category: route.category, search: search.value.trim(), after, limit: PAGE }, signal);
  const append = (page: Awaited<ReturnType<typeof load>>) => {
    rows.append(...page.streams.map(row));
    shown += page.streams.length;
    more.next(page.next);
    status.textContent = `${count(shown)} stream${shown === 1 ? '' : 's'}${page.next ? ' shown' : ''}`;
  };
  const reload = async () => {
    const mine = ++generation;
    try {
      const page = await load(null);
      if (mine !== generation) return;
      rows.replaceChildren();
      shown = 0;
      append(page);
      if (shown === 0)
        rows.append(empty(search.value ? `No stream id starts with “${search.value.trim()}”` : 'No streams yet'));
    } catch (error) {
      if (mine === generation && !signal.aborted) replace(rows, failure(error));
    }
  };

  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      // The address follows the search without a new history entry (and without re-rendering).
      history.replaceState(null, '', href({ ...route, search: search.value.trim() || undefined }));
      void reload();
    }, 200);
  });
  context.onLeave(() => clearTimeout(typing));
  await reload();

  const title = route.category ?? 'All streams';
  return h(
    'div',
    { class: 'split' },
    h(
      'aside',
      { class: 'side' },
      tenantField,
      h('h2', { class: 'side-title' }, 'Categories'),
      nav,
      moreCategories.element,
    ),
    h(
      'section',
      { class: 'main' },
      h(
        'header',
        { class: 'view-head' },
        h('h1', null, title),
        h('div', { class: 'search' }, search, h('kbd', { class: 'hint' }, '/')),
      ),
      h(
        'div',
        { class: `table streams${showCategory ? ' with-category' : ''}` },
        h(
          'div',
          { class: 'row head', 'aria-hidden': 'true' },
          h('span', null, 'Stream id'),
          showCategory ? h('span', null, 'Category') : null,
          h('span', { class: 'num' }, 'Version'),
          h('span', { class: 'when' }, 'Last event'),
        ),
        rows,
      ),
      status,
      more.element,
    ),
  );
};
