/** An event's facts, data and metadata, as the stream and event views show them. */
import type { EventJson, MetaResponse } from '../../api/contract.js';
import { eventHref, streamHref } from '../context.js';
import { h } from '../dom.js';
import { count, timeExact } from '../format.js';
import { jsonView } from './json.js';
import { badge } from './states.js';

/** Metadata members that name another event, shown as links to it. */
const EVENT_REFERENCES = new Set(['correlationId', 'causationId']);

const referenceLink = (key: string, value: string) => (EVENT_REFERENCES.has(key) ? eventHref(value) : null);

export function streamName(event: Pick<EventJson, 'stream'>): string {
  return `${event.stream.category}/${event.stream.id}`;
}

/** Its type, with a warning when the store was not given that type. */
export function eventType(event: EventJson): HTMLElement {
  return h(
    'span',
    { class: 'type' },
    event.type,
    event.unknownType ? badge('unknown type', 'warn') : null,
    event.schemaVersion > 1 ? h('span', { class: 'muted small' }, ` v${event.schemaVersion}`) : null,
  );
}

function fact(label: string, value: Node | string): HTMLElement {
  return h('div', null, h('dt', null, label), h('dd', null, value));
}

/** The facts of one event, with links to its stream and to the events its metadata names. */
export function eventFacts(event: EventJson, meta: MetaResponse): HTMLElement {
  const { correlationId, causationId } = event.metadata;
  const reference = (name: string, id: string | undefined) =>
    id === undefined
      ? h('span', { class: 'muted' }, '—')
      : h('a', { class: 'mono', href: eventHref(id), 'data-reference': name }, id);
  return h(
    'dl',
    { class: 'facts' },
    fact('Event id', h('span', { class: 'mono selectable' }, event.eventId)),
    fact('Type', eventType(event)),
    fact(
      'Stream',
      h(
        'span',
        null,
        h('a', { href: streamHref(meta, event.stream, Math.max(1, event.version - 10)) }, streamName(event)),
        event.stream.tenant === meta.tenant ? null : h('span', { class: 'muted' }, ` · tenant ${event.stream.tenant}`),
      ),
    ),
    fact('Version', count(event.version)),
    fact('Position', h('span', { class: 'mono' }, count(event.position))),
    event.transactionId === '0' ? null : fact('Transaction', h('span', { class: 'mono' }, event.transactionId)),
    fact('Recorded', timeExact(event.recordedAt)),
    fact('Schema version', String(event.schemaVersion)),
    fact('Correlation', reference('correlation', correlationId)),
    fact('Causation', reference('causation', causationId)),
  );
}

/**
 * Its personal fields' marks: `erased` (the subject was forgotten: the value is the declared
 * erased one) or `personal` (masked by the server: `meta.masking`).
 */
function personalMark(event: EventJson): (key: string) => HTMLElement | null {
  const erased = new Set(event.erased);
  const masked = new Set(event.masked);
  return (key) => {
    if (erased.has(key))
      return h(
        'span',
        { class: 'badge warn mark', 'data-mark': 'erased', title: 'its subject was forgotten' },
        'erased',
      );
    if (masked.has(key))
      return h(
        'span',
        { class: 'badge info mark', 'data-mark': 'personal', title: 'personal data, masked' },
        'personal',
      );
    return null;
  };
}

/** Data and metadata side by side (stacked on narrow screens). */
export function eventPayload(event: EventJson, open = 2): HTMLElement {
  return h(
    'div',
    { class: 'payload' },
    h('section', null, h('h3', null, 'Data'), jsonView(event.data, { open, mark: personalMark(event) })),
    h('section', null, h('h3', null, 'Metadata'), jsonView(event.metadata as never, { open, link: referenceLink })),
  );
}
