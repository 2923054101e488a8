/**
 * The outbox: pending rows (waiting for the relay, with when it tries next) and dead rows (given
 * up on, with their last error). With actions enabled, dead rows can be retried or purged, one or
 * all; without, no button is shown (and the server refuses them anyway).
 */
import type { OutboxResponse, OutboxRowJson } from '../../api/contract.js';
import { api } from '../api.js';
import { streamName } from '../components/event.js';
import { pager } from '../components/pager.js';
import { badge, empty, failure } from '../components/states.js';
import { eventHref, streamHref, type View } from '../context.js';
import { h } from '../dom.js';
import { count, timeAgo } from '../format.js';
import { href } from '../router.js';

const PAGE = 100;

export const outboxView: View<'outbox'> = async (route, context) => {
  const { meta, signal } = context;
  const { status } = route;
  const first = await api.outbox({ status, limit: PAGE }, signal);
  const problem = h('div', { 'aria-live': 'polite' });
  const dead = status === 'dead';
  const actions = meta.actions && dead;

  /** Runs an action, then shows the outbox again (counts and rows change). */
  const act = async (button: HTMLButtonElement, action: () => Promise<unknown>) => {
    button.disabled = true;
    try {
      await action();
      context.refresh();
    } catch (error) {
      problem.replaceChildren(failure(error));
      button.disabled = false;
    }
  };
  const actionButton = (label: string, action: () => Promise<unknown>, confirmation?: string) => {
    const button = h('button', { type: 'button', class: 'action', 'data-action': label.toLowerCase() }, label);
    button.addEventListener('click', () => {
      if (confirmation === undefined || confirm(confirmation)) void act(button, action);
    });
    return button;
  };

  const row = (outboxRow: OutboxRowJson) => {
    const { event } = outboxRow;
    return h(
      'div',
      { class: 'row', role: 'listitem', 'data-outbox-id': outboxRow.id },
      h('span', { class: 'mono muted num' }, outboxRow.id),
      h(
        'span',
        { class: 'what' },
        h('a', { href: eventHref(event.eventId), 'data-row': '' }, event.type),
        h('a', { class: 'muted small', href: streamHref(meta, event.stream) }, streamName(event)),
      ),
      h('span', { class: 'num' }, count(outboxRow.attempts)),
      h(
        'span',
        { class: 'error' },
        outboxRow.lastError
          ? h('code', { title: outboxRow.lastError }, outboxRow.lastError)
          : h('span', { class: 'muted' }, '—'),
      ),
      h('span', { class: 'when' }, dead ? timeAgo(event.recordedAt) : timeAgo(outboxRow.nextAttemptAt)),
      actions
        ? h(
            'span',
            { class: 'buttons' },
            actionButton('Retry', () => api.retry({ ids: [outboxRow.id] })),
            actionButton(
              'Purge',
              () => api.purge({ ids: [outboxRow.id] }),
              `Delete dead row ${outboxRow.id} for good?`,
            ),
          )
        : null,
    );
  };

  const rows = h('div', { class: 'rows', role: 'list' });
  const more = pager<string>('Load more rows', async (after) =>
    append(await api.outbox({ status, after, limit: PAGE }, signal)),
  );
  const append = (page: OutboxResponse) => {
    rows.append(...page.rows.map(row));
    more.next(page.next);
  };
  append(first);

  const { counts } = first;
  const tab = (which: 'pending' | 'dead', label: string, n: number) =>
    h(
      'a',
      { class: 'tab', href: href({ view: 'outbox', status: which }), 'aria-current': which === status ? 'page' : null },
      label,
      badge(count(n), which === 'dead' && n > 0 ? 'bad' : 'plain'),
    );

  return h(
    'div',
    { class: 'page' },
    h(
      'header',
      { class: 'view-head' },
      h('h1', null, 'Outbox'),
      h(
        'div',
        { class: 'head-side' },
        counts.oldestPendingAt
          ? h('span', { class: 'muted small' }, 'oldest pending ', timeAgo(counts.oldestPendingAt))
          : null,
      ),
    ),
    h(
      'div',
      { class: 'tabs-bar' },
      h(
        'nav',
        { class: 'tabs', 'aria-label': 'Outbox rows' },
        tab('pending', 'Pending', counts.pending),
        tab('dead', 'Dead', counts.dead),
      ),
      actions && counts.dead > 0
        ? h(
            'div',
            { class: 'buttons' },
            actionButton('Retry all', () => api.retry({})),
            actionButton('Purge all', () => api.purge({}), `Delete all ${count(counts.dead)} dead rows for good?`),
          )
        : null,
    ),
    dead && !meta.actions && counts.dead > 0
      ? h(
          'p',
          { class: 'muted small' },
          'Read-only: start the browser with actions enabled to retry or purge dead rows.',
        )
      : null,
    problem,
    first.rows.length === 0
      ? empty(
          dead ? 'No dead rows' : 'Nothing pending',
          dead ? 'Every row the relay gave up on would be here.' : 'The relay has published everything.',
        )
      : h(
          'div',
          { class: `table outbox${actions ? ' with-actions' : ''}` },
          h(
            'div',
            { class: 'row head', 'aria-hidden': 'true' },
            h('span', { class: 'num' }, 'Row'),
            h('span', null, 'Event'),
            h('span', { class: 'num' }, 'Attempts'),
            h('span', null, 'Last error'),
            h('span', { class: 'when' }, dead ? 'Recorded' : 'Next attempt'),
            actions ? h('span', null, '') : null,
          ),
          rows,
        ),
    more.element,
  );
};
