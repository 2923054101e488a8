/** How values read on a terminal and in `--json`, written once for every command. */
import { inspect } from 'node:util';
import type { LogPosition, StreamKey } from '@es/core';

/** `850ms`, `12s`, `4m 05s`, `2h 03m`, `3d 04h`: two units at most, as an operator reads an age. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.floor(ms / 1_000);
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const index = units.findIndex(([size]) => seconds >= size);
  const [size, unit] = units[index] as [number, string];
  const next = units[index + 1];
  const whole = `${Math.floor(seconds / size)}${unit}`;
  if (!next) return whole;
  const rest = Math.floor((seconds % size) / next[0]);
  return `${whole} ${String(rest).padStart(2, '0')}${next[1]}`;
}

/**
 * A log position as the log orders it: the global position where positions commit in order; on
 * PostgreSQL, whose log is ordered by (transaction id, position), with its transaction id, or the
 * transaction id alone for a cursor that stands at a transaction horizon (position 0).
 */
export function formatLogPosition(position: LogPosition | undefined): string {
  if (!position) return '-';
  if (position.transactionId === 0n) return String(position.position);
  if (position.position === 0n) return `tx ${position.transactionId}`;
  return `${position.position} (tx ${position.transactionId})`;
}

/** A log position in `--json`: strings, since 64-bit numbers do not survive every JSON reader. */
export function jsonLogPosition(position: LogPosition | undefined) {
  return position ? { transactionId: String(position.transactionId), position: String(position.position) } : null;
}

export const formatStream = (stream: StreamKey) => `${stream.tenant}/${stream.category}/${stream.id}`;

/** JSON text of anything the store revives: bigints as strings, maps as entry lists, sets as lists. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint') return String(item);
      if (item instanceof Map) return [...item.entries()];
      if (item instanceof Set) return [...item];
      return item;
    },
    indent,
  );
}

/** Event data or metadata for a person: every type the store revives shown as itself. */
export function inspectValue(value: unknown, options: { colors: boolean; oneLine?: boolean }): string {
  return inspect(value, {
    depth: null,
    colors: options.colors,
    breakLength: options.oneLine ? Number.POSITIVE_INFINITY : 100,
    compact: options.oneLine ? true : 3,
    sorted: false,
  });
}

/** A whole number with thousands separators, as counts read best. */
export const formatCount = (n: number | bigint) => n.toLocaleString('en-US');

/** `1 event`, `2 events`, `100,000 events`. */
export const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
