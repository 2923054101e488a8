/**
 * The global log, live: the last events, then each batch the server pushes as it commits (newest
 * on top). Rows have a fixed height and the columns fixed widths, so nothing moves but the new
 * row; the browser's scroll anchoring keeps a reader scrolled down where they were. The live
 * connection resumes from its last message's cursor (Last-Event-ID) after a drop: no event is
 * skipped or shown twice.
 */
import type { EventJson, LiveLogMessage } from '../../api/contract.js';
import { api } from '../api.js';
import { streamName } from '../components/event.js';
import { badge } from '../components/states.js';
import { eventHref, streamHref, type View } from '../context.js';
import { h } from '../dom.js';
import { count, dateTime } from '../format.js';

/** Events shown when the view opens, and at most kept on the page. */
const TAIL = 50;
const KEEP = 1000;

export const logView: View<'log'> = async (_route, context) => {
  const { meta, signal } = context;
  const initial = await api.log({ tail: TAIL }, signal);

  const rows = h('div', { class: 'rows', role: 'list', 'aria-live': 'off' });
  const state = h('span', { class: 'live' });
  const received = h('span', { class: 'muted small', 'aria-live': 'polite' });
  const heldBack = h(
    'p',
    { class: 'notice', hidden: true, role: 'status' },
    'Committed events wait behind an open transaction: they appear once it ends. See Consumers.',
  );
  let arrived = 0;

  const row = (event: EventJson, fresh: boolean) =>
    h(
      'div',
      {
        class: fresh ? 'row fresh' : 'row',
        role: 'listitem',
        'data-event-id': event.eventId,
        'data-position': event.position,
      },
      h('span', { class: 'mono muted num' }, count(event.position)),
      h('span', { class: 'when', title: event.recordedAt }, dateTime(event.recordedAt).slice(11)),
      h(
        'a',
        { class: 'stream', href: streamHref(meta, event.stream, Math.max(1, event.version - 10)) },
        streamName(event),
        event.stream.tenant === meta.tenant ? null : h('span', { class: 'muted' }, ` · ${event.stream.tenant}`),
      ),
      h('a', { class: 'type', href: eventHref(event.eventId), 'data-row': '' }, event.type),
      h('span', { class: 'num muted' }, `v${count(event.version)}`),
    );

  const nothingYet =
    initial.events.length === 0
      ? h('p', { class: 'empty-row muted' }, 'No events yet: they appear here as they commit.')
      : null;
  const show = (events: readonly EventJson[], fresh: boolean) => {
    if (events.length > 0) nothingYet?.remove();
    // Newest on top: each later event goes above the one before it.
    const batch = document.createDocumentFragment();
    for (let index = events.length - 1; index >= 0; index--) batch.append(row(events[index]!, fresh));
    rows.prepend(batch);
    while (rows.childElementCount > KEEP) rows.lastElementChild!.remove();
  };
  show(initial.events, false);
  heldBack.hidden = !initial.heldBack;

  const setState = (text: string, tone: 'ok' | 'warn' | 'bad') => state.replaceChildren(badge(text, tone));
  setState('Connecting…', 'warn');
  const source = new EventSource(api.liveLogUrl(initial.next));
  source.addEventListener('open', () => setState('Live', 'ok'));
  source.addEventListener('error', () =>
    setState(source.readyState === EventSource.CLOSED ? 'Disconnected' : 'Reconnecting…', 'bad'),
  );
  source.addEventListener('events', (message) => {
    const page = JSON.parse((message as MessageEvent<string>).data) as LiveLogMessage;
    heldBack.hidden = !page.heldBack;
    if (page.events.length === 0) return;
    show(page.events, true);
    arrived += page.events.length;
    received.textContent = `${count(arrived)} new since you opened this page`;
  });
  context.onLeave(() => source.close());

  return h(
    'div',
    { class: 'page' },
    h('header', { class: 'view-head' }, h('h1', null, 'Live log'), h('div', { class: 'head-side' }, received, state)),
    h('p', { class: 'muted lead' }, 'Every event in the order consumers read them, newest first.'),
    heldBack,
    h(
      'div',
      { class: 'table log' },
      h(
        'div',
        { class: 'row head', 'aria-hidden': 'true' },
        h('span', { class: 'num' }, 'Position'),
        h('span', { class: 'when' }, 'Time'),
        h('span', null, 'Stream'),
        h('span', null, 'Type'),
        h('span', { class: 'num' }, 'Version'),
      ),
      nothingYet,
      rows,
    ),
  );
};
