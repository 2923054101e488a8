import { describe, expect, it } from '@jest/globals';
import { sqlDialect } from './dialects/index.js';
import { bigint, empty, ident, join, json, list, raw, render, sql, time, uuid, value } from './template.js';

const postgres = sqlDialect('postgres');
const mysql = sqlDialect('mysql');
const sqlite = sqlDialect('sqlite');

describe('the sql tagged template', () => {
  it('binds each value where it stands, in $n style on PostgreSQL and ? elsewhere', () => {
    const statement = sql`SELECT * FROM t WHERE a = ${'x'} AND b = ${2}`;
    expect(render(statement, postgres)).toEqual({ text: 'SELECT * FROM t WHERE a = $1 AND b = $2', values: ['x', 2] });
    expect(render(statement, mysql)).toEqual({ text: 'SELECT * FROM t WHERE a = ? AND b = ?', values: ['x', 2] });
    expect(render(statement, sqlite)).toEqual({ text: 'SELECT * FROM t WHERE a = ? AND b = ?', values: ['x', 2] });
  });

  it('keeps textual order through nested fragments, whatever order they were built in', () => {
    // The inner fragment is built first, but its values come after `outer` in the text.
    const inner = sql`c IN (${list(['p', 'q'])}) AND d = ${sql`${'deep'}`}`;
    const statement = sql`UPDATE t SET a = ${'outer'} WHERE ${inner} AND e = ${'last'}`;
    expect(render(statement, postgres)).toEqual({
      text: 'UPDATE t SET a = $1 WHERE c IN ($2, $3) AND d = $4 AND e = $5',
      values: ['outer', 'p', 'q', 'deep', 'last'],
    });
    expect(render(statement, mysql)).toEqual({
      text: 'UPDATE t SET a = ? WHERE c IN (?, ?) AND d = ? AND e = ?',
      values: ['outer', 'p', 'q', 'deep', 'last'],
    });
  });

  it('renders an empty list as NULL (IN (NULL) matches nothing) and joins fragments with a separator', () => {
    expect(render(sql`a IN (${list([])})`, sqlite)).toEqual({ text: 'a IN (NULL)', values: [] });
    const rows = join([sql`(${list([1, 'a'])})`, sql`(${list([2, 'b'])})`], ', ');
    expect(render(sql`VALUES ${rows}`, postgres)).toEqual({
      text: 'VALUES ($1, $2), ($3, $4)',
      values: [1, 'a', 2, 'b'],
    });
    expect(render(sql`x${join([], ' AND ')}${empty}`, postgres)).toEqual({ text: 'x', values: [] });
  });

  it('inserts identifiers and raw SQL as text, never bound, and refuses a name that is not an identifier', () => {
    expect(render(sql`SELECT ${raw('COUNT(*)')} FROM ${ident('es_events')}`, postgres)).toEqual({
      text: 'SELECT COUNT(*) FROM es_events',
      values: [],
    });
    expect(() => ident('es_events; DROP TABLE x')).toThrow(TypeError);
  });

  it('casts typed values on PostgreSQL and encodes them for the others', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const statement = sql`${time(at)} ${json('{}')} ${uuid('u')} ${bigint(2n ** 60n)} ${bigint(7n)}`;
    expect(render(statement, postgres)).toEqual({
      text: '$1::timestamptz $2::jsonb $3::uuid $4::bigint $5::bigint',
      values: ['2026-01-02T03:04:05.678Z', '{}', 'u', '1152921504606846976', '7'],
    });
    expect(render(statement, mysql)).toEqual({
      text: '? ? ? ? ?',
      values: ['2026-01-02 03:04:05.678', '{}', 'u', '1152921504606846976', 7],
    });
    expect(render(statement, sqlite).values).toEqual(['2026-01-02T03:04:05.678Z', '{}', 'u', '1152921504606846976', 7]);
  });

  it('binds a value object used twice once where placeholders are numbered, and twice where they are not', () => {
    const tenant = value('t1');
    const statement = sql`a = ${tenant} AND b = ${'other'} AND c = ${tenant}`;
    expect(render(statement, postgres)).toEqual({ text: 'a = $1 AND b = $2 AND c = $1', values: ['t1', 'other'] });
    expect(render(statement, mysql)).toEqual({ text: 'a = ? AND b = ? AND c = ?', values: ['t1', 'other', 't1'] });
  });
});
