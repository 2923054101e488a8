/** What a view shows when it has nothing to show, or failed. */
import { ApiError } from '../api.js';
import { h } from '../dom.js';

export function empty(title: string, detail?: string): HTMLElement {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), detail ? h('p', null, detail) : null);
}

export function failure(error: unknown): HTMLElement {
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    code === 'UNAUTHORIZED'
      ? 'This browser needs its token: open the page once with ?token=<token> in its address.'
      : code === 'NETWORK'
        ? 'Is the server still running?'
        : code === 'EVENT_NOT_FOUND'
          ? 'A correlation id names the event or the request that started a chain: this one is not a stored event.'
          : null;
  return h(
    'div',
    { class: 'failure', role: 'alert' },
    h('p', null, h('code', { class: 'code' }, code), ' ', message),
    hint ? h('p', { class: 'muted' }, hint) : null,
  );
}

/** A status pill: ok, warn, bad or plain. */
export function badge(text: string, tone: 'ok' | 'warn' | 'bad' | 'info' | 'plain' = 'plain'): HTMLElement {
  return h('span', { class: `badge ${tone}` }, text);
}
