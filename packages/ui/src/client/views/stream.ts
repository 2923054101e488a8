/**
 * One stream: its events in version order, each a row that opens onto its facts, data and
 * metadata (built when first opened), its snapshot if it has one, paged by version.
 */
import type { EventJson, StreamResponse } from '../../api/contract.js';
import { api } from '../api.js';
import { eventFacts, eventPayload, eventType } from '../components/event.js';
import { jsonView } from '../components/json.js';
import { pager } from '../components/pager.js';
import { empty } from '../components/states.js';
import { categoryHref, eventHref, routeTenant, streamHref, type View } from '../context.js';
import { h } from '../dom.js';
import { count, dateTime, timeAgo } from '../format.js';
import { href } from '../router.js';

const PAGE = 100;

export const streamView: View<'stream'> = async (route, context) => {
  const { meta, signal } = context;
  const key = { tenant: route.tenant ?? meta.tenant, category: route.category, id: route.id };
  const first = await api.stream({ ...key, fromVersion: route.from, limit: PAGE }, signal);
  const { stream } = first;

  const eventRow = (event: EventJson) => {
    const body = h('div', { class: 'event-body' });
    const details = h(
      'details',
      { class: 'event', id: `v${event.version}`, 'data-event-id': event.eventId },
      h(
        'summary',
        { class: 'row', 'data-row': '' },
        h('span', { class: 'num version' }, count(event.version)),
        h('span', { class: 'type-cell' }, eventType(event)),
        h('span', { class: 'mono muted' }, count(event.position)),
        h('span', { class: 'when', title: event.recordedAt }, dateTime(event.recordedAt)),
      ),
      body,
    );
    details.addEventListener('toggle', () => {
      if (!details.open || body.childElementCount > 0) return;
      body.append(
        eventFacts(event, meta),
        eventPayload(event),
        h('p', { class: 'small' }, h('a', { href: eventHref(event.eventId) }, 'Open this event on its own page →')),
      );
    });
    return details;
  };

  const rows = h('div', { class: 'rows' });
  const more = pager<number>('Load more events', async (fromVersion) =>
    append(await api.stream({ ...key, fromVersion, limit: PAGE }, signal)),
  );
  const append = (page: StreamResponse) => {
    rows.append(...page.events.map(eventRow));
    more.next(page.next);
  };
  append(first);

  const earlier =
    route.from !== undefined && route.from > 1
      ? h(
          'p',
          { class: 'small' },
          h('a', { href: streamHref(meta, stream, Math.max(1, route.from - PAGE)) }, `← Earlier events`),
          h('span', { class: 'muted' }, ` (from version ${count(route.from)} here)`),
        )
      : null;

  return h(
    'div',
    { class: 'page' },
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href({ view: 'streams', tenant: routeTenant(meta, stream.tenant) }) }, 'Streams'),
      h('a', { href: categoryHref(meta, stream.tenant, stream.category) }, stream.category),
      h('span', { 'aria-current': 'page' }, stream.id),
    ),
    h(
      'header',
      { class: 'view-head' },
      h('div', null, h('h1', { class: 'mono' }, stream.id), h('p', { class: 'subtitle' }, `${stream.category} stream`)),
      h(
        'dl',
        { class: 'stats' },
        h('div', null, h('dt', null, 'Version'), h('dd', null, count(stream.version))),
        h('div', null, h('dt', null, 'Last event'), h('dd', null, timeAgo(stream.updatedAt))),
        stream.tenant === meta.tenant ? null : h('div', null, h('dt', null, 'Tenant'), h('dd', null, stream.tenant)),
        first.snapshot
          ? h('div', null, h('dt', null, 'Snapshot'), h('dd', null, `at v${count(first.snapshot.version)}`))
          : null,
      ),
    ),
    first.snapshot
      ? h(
          'details',
          { class: 'panel snapshot' },
          h(
            'summary',
            null,
            h('strong', null, 'Snapshot'),
            h(
              'span',
              { class: 'muted' },
              ` at version ${count(first.snapshot.version)} · schema v${first.snapshot.schemaVersion} · taken `,
              timeAgo(first.snapshot.takenAt),
            ),
          ),
          jsonView(first.snapshot.state, { open: 2 }),
        )
      : null,
    earlier,
    first.events.length === 0
      ? empty('No events from here', `The stream ends at version ${count(stream.version)}.`)
      : h(
          'div',
          { class: 'table events' },
          h(
            'div',
            { class: 'row head', 'aria-hidden': 'true' },
            h('span', { class: 'num' }, 'Version'),
            h('span', null, 'Type'),
            h('span', null, 'Position'),
            h('span', { class: 'when' }, 'Recorded'),
          ),
          rows,
        ),
    more.element,
  );
};
