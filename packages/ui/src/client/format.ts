/** How the page writes numbers, times and durations. */
import { h } from './dom.js';

const integer = new Intl.NumberFormat('en-US');

/** 12,345 (numbers and bigint strings alike). */
export function count(value: number | string): string {
  return typeof value === 'string' ? value.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : integer.format(value);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** 2025-01-31 12:00:03.120 in the viewer's time zone. */
export function dateTime(iso: string): string {
  const date = new Date(iso);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

/** 850 ms, 4.2 s, 3 min, 2 h 5 min, 3 d. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d`;
}

/** "3 min ago" (or "in 20 s"). */
export function relative(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  if (Math.abs(ms) < 1000) return 'just now';
  return ms > 0 ? `${duration(ms)} ago` : `in ${duration(-ms)}`;
}

/** A <time> showing when, relative, with the exact time on hover. */
export function timeAgo(iso: string | null): HTMLElement {
  if (iso === null) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: dateTime(iso), 'data-relative': '' }, relative(iso));
}

/** A <time> showing the exact time. */
export function timeExact(iso: string): HTMLElement {
  return h('time', { datetime: iso, title: relative(iso) }, dateTime(iso));
}

/** Keeps every relative time on the page current. */
export function refreshRelativeTimes(root: ParentNode = document): void {
  const now = Date.now();
  for (const element of root.querySelectorAll<HTMLTimeElement>('time[data-relative]'))
    element.textContent = relative(element.dateTime, now);
}

/** An event id shortened for tables (its first block), the whole one on hover. */
export function shortId(id: string): string {
  return id.length > 13 ? id.slice(0, 8) : id;
}
