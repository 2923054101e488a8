import { driverStatement, NamedStatement, statementName } from './namedStatement.js';

describe('named statements', () => {
  it('name each text once, stably, and stop naming new texts past 256: those run unnamed', () => {
    const first = statementName('SELECT 1');
    expect(first).toMatch(/^es_\d+$/);
    expect(statementName('SELECT 1')).toBe(first);
    const texts = Array.from({ length: 300 }, (_, i) => `SELECT ${i + 2}`);
    const named = texts.map((text) => statementName(text));
    expect(named.filter((name) => name !== undefined)).toHaveLength(255);
    expect(named.slice(255)).toEqual(Array(45).fill(undefined));
    // Texts named before the bound keep their names.
    expect(statementName('SELECT 1')).toBe(first);
    expect(statementName('SELECT 2')).toBe(named[0]);
    // What an ORM package hands its driver: a named statement, or the text once past the bound.
    expect(driverStatement('postgres', 'SELECT 2', { prepare: true })).toBeInstanceOf(NamedStatement);
    expect(driverStatement('postgres', 'SELECT 299', { prepare: true })).toBe('SELECT 299');
    expect(driverStatement('postgres', 'SELECT 2')).toBe('SELECT 2');
    expect(driverStatement('mysql', 'SELECT 2', { prepare: true })).toBe('SELECT 2');
  });
});
