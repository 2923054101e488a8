/** One event on its own page: where correlation and causation links lead. */
import { api } from '../api.js';
import { eventFacts, eventPayload, streamName } from '../components/event.js';
import { categoryHref, routeTenant, streamHref, type View } from '../context.js';
import { h } from '../dom.js';
import { href } from '../router.js';

export const eventView: View<'event'> = async (route, context) => {
  const { meta, signal } = context;
  const { event } = await api.event(route.eventId, signal);
  return h(
    'div',
    { class: 'page' },
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href({ view: 'streams', tenant: routeTenant(meta, event.stream.tenant) }) }, 'Streams'),
      h('a', { href: categoryHref(meta, event.stream.tenant, event.stream.category) }, event.stream.category),
      h('a', { href: streamHref(meta, event.stream) }, event.stream.id),
      h('span', { 'aria-current': 'page' }, `v${event.version}`),
    ),
    h(
      'header',
      { class: 'view-head' },
      h('h1', null, event.type),
      h(
        'p',
        { class: 'muted' },
        `Version ${event.version} of `,
        h('a', { href: streamHref(meta, event.stream) }, streamName(event)),
      ),
    ),
    h('div', { class: 'panel' }, eventFacts(event, meta)),
    h('div', { class: 'panel' }, eventPayload(event, 4)),
  );
};
