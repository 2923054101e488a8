/**
 * Shortcuts: / search, j and k move between rows (Enter opens a focused link, Space or Enter
 * opens a focused event), g then s, l, c or o goes to a view, Escape leaves a field.
 */
const VIEWS: Record<string, string> = { s: '#/', l: '#/log', c: '#/consumers', o: '#/outbox' };

function typingIn(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

/** Focuses the row `step` rows from the focused one (the first or last when none is). */
function moveRow(step: number): void {
  const rows = [...document.querySelectorAll<HTMLElement>('main [data-row]')].filter(
    (row) => row.offsetParent !== null,
  );
  if (rows.length === 0) return;
  const at = rows.findIndex((row) => row === document.activeElement || row.contains(document.activeElement));
  const next = at === -1 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  rows[next]!.focus();
  rows[next]!.scrollIntoView({ block: 'nearest' });
}

export function installShortcuts(focusSearch: () => void): void {
  let pendingG = false;
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typingIn(event.target)) {
      if (event.key === 'Escape') (event.target as HTMLElement).blur();
      return;
    }
    if (pendingG) {
      pendingG = false;
      const view = VIEWS[event.key];
      if (view) {
        event.preventDefault();
        location.hash = view;
      }
      return;
    }
    switch (event.key) {
      case '/':
        event.preventDefault();
        focusSearch();
        break;
      case 'j':
        moveRow(1);
        break;
      case 'k':
        moveRow(-1);
        break;
      case 'g':
        pendingG = true;
        break;
    }
  });
}
