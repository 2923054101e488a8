/**
 * Collapsible JSON: objects and arrays are <details> (keyboard-operable as they are), their
 * members built only when first opened, so a large payload costs nothing until it is looked at.
 */
import type { Json } from '../../api/contract.js';
import { type Child, h } from '../dom.js';

export interface JsonOptions {
  /** Levels open from the start (0: all closed). */
  readonly open?: number;
  /** A link for a string member (e.g. an event id in metadata), or null for plain text. */
  readonly link?: (key: string, value: string) => string | null;
  /** A badge after a member of the top-level object (e.g. an event's erased or masked personal fields). */
  readonly mark?: (key: string) => HTMLElement | null;
}

/** Members shown before a "show more" button, for long arrays and objects. */
const PAGE = 200;

export function jsonView(value: Json | undefined, options: JsonOptions = {}): HTMLElement {
  return h('div', { class: 'json' }, node(value ?? null, '', options.open ?? 1, options, true));
}

function node(value: Json, key: string, open: number, options: JsonOptions, top = false): Child {
  if (value === null) return h('span', { class: 'j-null' }, 'null');
  if (typeof value === 'string') {
    const link = options.link?.(key, value);
    const text = JSON.stringify(value);
    return link ? h('a', { class: 'j-str', href: link }, text) : h('span', { class: 'j-str' }, text);
  }
  if (typeof value === 'number') return h('span', { class: 'j-num' }, String(value));
  if (typeof value === 'boolean') return h('span', { class: 'j-bool' }, String(value));
  const entries: [string, Json][] = Array.isArray(value)
    ? value.map((member, index) => [String(index), member])
    : Object.entries(value);
  const [opening, closing] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return h('span', { class: 'j-punct' }, opening + closing);
  const size = Array.isArray(value)
    ? `${entries.length} item${entries.length === 1 ? '' : 's'}`
    : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
  const members = h('div', { class: 'j-members' });
  const details = h(
    'details',
    { class: 'j-node', open: open > 0 },
    h(
      'summary',
      { 'data-close': closing },
      h('span', { class: 'j-punct' }, opening),
      h('span', { class: 'j-size' }, size),
    ),
    members,
    h('span', { class: 'j-punct j-close' }, closing),
  );
  let shown = 0;
  const more = (): void => {
    const stop = Math.min(entries.length, shown + PAGE);
    for (; shown < stop; shown++) {
      const [name, member] = entries[shown]!;
      const mark = top && !Array.isArray(value) ? (options.mark?.(name) ?? null) : null;
      members.append(
        h(
          'div',
          { class: 'j-member', ...(mark && { 'data-key': name }) },
          Array.isArray(value) ? null : h('span', { class: 'j-key' }, JSON.stringify(name)),
          Array.isArray(value) ? null : h('span', { class: 'j-punct' }, ': '),
          node(member, name, open - 1, options),
          mark,
        ),
      );
    }
    if (shown < entries.length) {
      const button = h('button', { class: 'link', type: 'button' }, `show ${entries.length - shown} more`);
      button.addEventListener('click', () => {
        button.remove();
        more();
      });
      members.append(button);
    }
  };
  if (open > 0) more();
  else details.addEventListener('toggle', () => shown === 0 && details.open && more());
  return details;
}
