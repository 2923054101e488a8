/** A "load more" button for keyset-paged lists: it fetches the next page and hides at the end. */
import { h } from '../dom.js';
import { failure } from './states.js';

export interface Pager<Cursor> {
  readonly element: HTMLElement;
  /** Sets where the next page starts (null: there is none). */
  next(cursor: Cursor | null): void;
}

export function pager<Cursor>(label: string, load: (cursor: Cursor) => Promise<void>): Pager<Cursor> {
  let cursor: Cursor | null = null;
  const button = h('button', { type: 'button', class: 'more' }, label);
  const problem = h('div');
  const element = h('div', { class: 'pager', hidden: true }, button, problem);
  button.addEventListener('click', async () => {
    if (cursor === null) return;
    button.disabled = true;
    button.textContent = 'Loading…';
    try {
      await load(cursor);
      problem.replaceChildren();
    } catch (error) {
      problem.replaceChildren(failure(error));
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  return {
    element,
    next(value) {
      cursor = value;
      element.hidden = value === null;
    },
  };
}
