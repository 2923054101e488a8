import { describe, expect, it } from '@jest/globals';
import BetterSqlite3 from 'better-sqlite3';
import { type EventRow, toDate, toJsonText, toStoredEvents } from './rows.js';

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

describe('toStoredEvents', () => {
  const row = (position: number, recordedAt: unknown): EventRow => ({
    position,
    event_id: `e${position}`,
    tenant_id: 'default',
    category: 'account',
    stream_id: 'a',
    stream_version: position,
    type: 'Deposited',
    schema_version: 1,
    data: '{}',
    metadata: '{}',
    recorded_at: recordedAt,
    tags: null,
  });

  it("shares one Date between the consecutive events of one append's time, and only between them", () => {
    const events = toStoredEvents([
      row(1, '2026-12-05T10:00:00.000Z'),
      row(2, '2026-12-05T10:00:00.000Z'),
      row(3, '2026-12-05T10:00:01.000Z'),
      row(4, '2026-12-05T10:00:00.000Z'),
    ]);
    expect(events.map((event) => event.recordedAt.toISOString())).toEqual([
      '2026-12-05T10:00:00.000Z',
      '2026-12-05T10:00:00.000Z',
      '2026-12-05T10:00:01.000Z',
      '2026-12-05T10:00:00.000Z',
    ]);
    expect(events[1]?.recordedAt).toBe(events[0]?.recordedAt);
    expect(events[2]?.recordedAt).not.toBe(events[1]?.recordedAt);
    expect(events[3]?.recordedAt).not.toBe(events[0]?.recordedAt);
    // Another read gets Dates of its own.
    expect(toStoredEvents([row(1, '2026-12-05T10:00:00.000Z')])[0]?.recordedAt).not.toBe(events[0]?.recordedAt);
  });

  it('keeps the Date a driver gave each row, and reads positions, versions and an empty tag list', () => {
    const times = [new Date('2026-12-05T10:00:00.000Z'), new Date('2026-12-05T10:00:00.000Z')];
    const events = toStoredEvents(times.map((time, index) => row(index + 1, time)));
    expect(events[0]?.recordedAt).toBe(times[0]);
    expect(events[1]?.recordedAt).toBe(times[1]);
    expect(events.map((event) => [event.position, event.version, event.tags])).toEqual([
      [1n, 1, []],
      [2n, 2, []],
    ]);
    expect(Object.isFrozen(events[0]?.tags)).toBe(true);
  });
});

describe('toJsonText', () => {
  it('reads JSON text as drivers give it: text, bytes, or (SQLite, numeric affinity) a number', () => {
    expect(toJsonText('{"a":1}')).toBe('{"a":1}');
    expect(toJsonText(new TextEncoder().encode('{"a":1}'))).toBe('{"a":1}');
    expect(toJsonText(12)).toBe('12');
    expect(toJsonText(1.5)).toBe('1.5');
    expect(toJsonText(12n)).toBe('12');
    expect(() => toJsonText({ a: 1 })).toThrow(/expected a JSON column selected as text, got object/);
    expect(() => toJsonText(null)).toThrow(/got null/);
  });

  it('gives the JSON a SQLite column of any affinity holds, as the text it parses to', () => {
    const database = new BetterSqlite3(':memory:');
    database.exec(
      'CREATE TABLE json (id INTEGER PRIMARY KEY, as_text TEXT, as_numeric NUMERIC, as_json JSON, as_blob BLOB)',
    );
    const insert = database.prepare('INSERT INTO json (as_text, as_numeric, as_json, as_blob) VALUES (?, ?, ?, ?)');
    const values = ['{"amount":5}', '5', '-1.25', '"text"', '[1,2]', 'true', 'null', '12345678901234'];
    for (const json of values) insert.run(json, json, json, Buffer.from(json));
    const rows = database.prepare('SELECT as_text, as_numeric, as_json, as_blob FROM json ORDER BY id').all() as Record<
      string,
      unknown
    >[];
    expect(typeof rows[1]?.as_numeric).toBe('number');
    for (const [index, row] of rows.entries()) {
      for (const column of ['as_text', 'as_numeric', 'as_json', 'as_blob']) {
        expect(JSON.parse(toJsonText(row[column]))).toEqual(JSON.parse(values[index] as string));
      }
    }
  });
});
