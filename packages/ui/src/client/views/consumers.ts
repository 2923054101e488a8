/**
 * Consumers: where each stands in the log, its lag (with a chart of the last minutes), who holds
 * it and its state; read again at the server's sampling pace while the view is open. With actions
 * enabled, each can be rebuilt.
 */
import type { ConsumerJson, ConsumersResponse, PartitionJson } from '../../api/contract.js';
import { api } from '../api.js';
import { lagChart } from '../components/lagChart.js';
import { badge, empty, failure } from '../components/states.js';
import type { View } from '../context.js';
import { h, replace } from '../dom.js';
import { count, duration, timeAgo } from '../format.js';

/** The global position in a log cursor (`<transactionId>:<position>`), the part a reader compares. */
const logPosition = (cursor: string) => cursor.slice(cursor.indexOf(':') + 1);

const TONE = { 'caught-up': 'ok', behind: 'info', 'held-back': 'warn', halted: 'bad', rebuilding: 'info' } as const;

/** A partitioned consumer's partitions under its row: who holds each and how far behind each is. */
const partitionList = (partitions: readonly PartitionJson[]) =>
  h(
    'div',
    { class: 'partitions wide small' },
    partitions.map((partition) =>
      h(
        'span',
        {
          class: 'partition',
          'data-partition': partition.partition,
          'data-partition-lag': partition.lag,
          title: partition.checkpoint === null ? 'nothing handled yet' : `checkpoint ${partition.checkpoint}`,
        },
        h('span', { class: 'muted' }, `#${partition.partition} `),
        partition.holder ?? h('span', { class: 'muted' }, 'free'),
        h('span', { class: 'muted' }, ' · lag '),
        count(partition.lag),
      ),
    ),
  );

export const consumersView: View<'consumers'> = async (_route, context) => {
  const { meta, signal } = context;
  const body = h('div', { class: 'rows' });
  const problem = h('div');
  const sampled = h('span', { class: 'muted small' });

  const rebuildButton = (consumer: ConsumerJson) => {
    const button = h('button', { type: 'button', class: 'action', 'data-action': 'rebuild' }, 'Rebuild');
    button.disabled = consumer.status === 'rebuilding';
    button.addEventListener('click', async () => {
      const tenant = consumer.tenant === meta.tenant ? '' : ` (tenant ${consumer.tenant})`;
      if (!confirm(`Rebuild ${consumer.name}${tenant}? Its read model is cleared and every event replayed.`)) return;
      button.disabled = true;
      try {
        await api.rebuild(consumer.name, consumer.tenant);
        await refresh();
      } catch (error) {
        problem.replaceChildren(failure(error));
        button.disabled = false;
      }
    });
    return button;
  };

  const row = (consumer: ConsumerJson, response: ConsumersResponse) =>
    h(
      'div',
      { class: 'row', role: 'listitem', 'data-consumer': consumer.name, tabindex: 0, 'data-row': '' },
      h(
        'span',
        { class: 'name' },
        h('strong', null, consumer.name),
        consumer.tenant === meta.tenant ? null : h('span', { class: 'muted small' }, ` · ${consumer.tenant}`),
      ),
      h(
        'span',
        null,
        badge(consumer.status, TONE[consumer.status]),
        consumer.rebuild
          ? h(
              'span',
              { class: 'muted small' },
              ` ${count(consumer.rebuild.handled)} / ${count(consumer.rebuild.total)}`,
            )
          : null,
        consumer.haltedAt ? h('span', { class: 'muted small' }, ` at ${count(consumer.haltedAt)}`) : null,
        consumer.parked > 0 ? h('span', { class: 'muted small' }, ` · ${count(consumer.parked)} parked`) : null,
      ),
      h(
        'span',
        { class: 'num lag' },
        h('strong', { 'data-lag': consumer.lag }, count(consumer.lag)),
        consumer.lagMs === null ? null : h('span', { class: 'muted small' }, ` · ${duration(consumer.lagMs)}`),
      ),
      lagChart(consumer.history, meta.lagSampling.keepMs, new Date(response.sampledAt).getTime()),
      h(
        'span',
        { class: 'mono small position' },
        consumer.checkpoint === null
          ? h('span', { title: 'nothing handled yet' }, 'start')
          : h('span', { title: `checkpoint ${consumer.checkpoint}` }, count(logPosition(consumer.checkpoint))),
        h('span', { class: 'muted' }, ' of '),
        h('span', { title: `head of the log ${consumer.head}` }, count(logPosition(consumer.head))),
      ),
      consumer.instances
        ? h(
            'span',
            { class: 'small holder', title: consumer.instances.join(', ') },
            `${consumer.instances.length} instance${consumer.instances.length === 1 ? '' : 's'}`,
          )
        : h(
            'span',
            { class: 'small holder' },
            consumer.holder ?? h('span', { class: 'muted' }, 'none'),
            consumer.leaseExpiresAt
              ? h('span', { class: 'muted' }, ' · lease ', timeAgo(consumer.leaseExpiresAt))
              : null,
          ),
      meta.actions ? h('span', null, rebuildButton(consumer)) : null,
      consumer.partitions ? partitionList(consumer.partitions) : null,
      consumer.heldBackBy
        ? h(
            'p',
            { class: 'notice wide' },
            `Held back by transaction ${consumer.heldBackBy.transactionId} (pid ${consumer.heldBackBy.pid}, ` +
              `${consumer.heldBackBy.state}, open for ${duration(consumer.heldBackBy.ageMs)}): `,
            h('code', null, consumer.heldBackBy.query),
          )
        : null,
    );

  const render = (response: ConsumersResponse) => {
    sampled.replaceChildren('sampled ', timeAgo(response.sampledAt));
    if (response.consumers.length === 0) {
      replace(body, empty('No consumers', 'Give the browser your consumers (the consumers option) to see them here.'));
      return;
    }
    // Rows are rebuilt in place: the list keeps its height, and focus stays on the same consumer.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.consumer;
    replace(
      body,
      response.consumers.map((consumer) => row(consumer, response)),
    );
    if (focused) body.querySelector<HTMLElement>(`[data-consumer="${CSS.escape(focused)}"]`)?.focus();
  };
  const refresh = async () => {
    try {
      render(await api.consumers(signal));
      problem.replaceChildren();
    } catch (error) {
      if (!signal.aborted) problem.replaceChildren(failure(error));
    }
  };

  render(await api.consumers(signal));
  const timer = setInterval(refresh, Math.max(1000, meta.lagSampling.everyMs));
  context.onLeave(() => clearInterval(timer));

  return h(
    'div',
    { class: 'page' },
    h('header', { class: 'view-head' }, h('h1', null, 'Consumers'), h('div', { class: 'head-side' }, sampled)),
    h(
      'p',
      { class: 'muted lead' },
      `Lag is the number of committed events a consumer has yet to handle; the chart shows it over up to the last ${duration(meta.lagSampling.keepMs)}.`,
    ),
    problem,
    h(
      'div',
      { class: `table consumers${meta.actions ? ' with-actions' : ''}` },
      h(
        'div',
        { class: 'row head', 'aria-hidden': 'true' },
        h('span', null, 'Consumer'),
        h('span', null, 'Status'),
        h('span', { class: 'num' }, 'Lag'),
        h('span', null, 'Lag, recent'),
        h('span', null, 'Checkpoint / head'),
        h('span', null, 'Holder'),
        meta.actions ? h('span', null, '') : null,
      ),
      body,
    ),
  );
};
