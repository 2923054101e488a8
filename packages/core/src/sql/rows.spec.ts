import { describe, expect, it } from '@jest/globals';
import { toDate } from './rows.js';

describe('toDate', () => {
  it('reads ISO text as Date parses it, across the years a store can hold', () => {
    const times = [
      '0001-01-01T00:00:00.000Z',
      '0099-12-31T23:59:59.999Z',
      '0100-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '2024-02-29T12:34:56.789Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (let index = 0; index < 200; index++) {
      times.push(
        new Date(Date.UTC(1, 0, 1) + Math.random() * (Date.UTC(9999, 11, 31) - Date.UTC(1, 0, 1))).toISOString(),
      );
    }
    for (const text of times) expect(toDate(text).toISOString()).toBe(text);
  });

  it('gives each read its own Date, also for the same text twice', () => {
    const first = toDate('2026-12-05T10:00:00.000Z');
    const second = toDate('2026-12-05T10:00:00.000Z');
    expect(second).not.toBe(first);
    first.setUTCFullYear(2000);
    expect(toDate('2026-12-05T10:00:00.000Z').toISOString()).toBe('2026-12-05T10:00:00.000Z');
  });

  it('reads the other forms drivers give: text without T or zone (UTC), offsets, epoch milliseconds', () => {
    expect(toDate('2026-12-05 10:00:00.123456').toISOString()).toBe('2026-12-05T10:00:00.123Z');
    expect(toDate('2026-12-05T10:00:00+02:00').toISOString()).toBe('2026-12-05T08:00:00.000Z');
    expect(toDate('1764928800000').toISOString()).toBe('2025-12-05T10:00:00.000Z');
    expect(toDate(1764928800000).toISOString()).toBe('2025-12-05T10:00:00.000Z');
  });

  it('leaves text of the ISO length but not its shape to Date, which finds it invalid', () => {
    expect(Number.isNaN(toDate('2026-13-05T10:00:00.000Z').getTime())).toBe(true);
    expect(Number.isNaN(toDate('2026-12-05T10:00:00,000Z').getTime())).toBe(true);
  });
});
