import { deserialize, serialize } from './json.js';

describe('tagged JSON', () => {
  it('round-trips dates, bigints, maps, sets and nested structures', () => {
    const value = {
      at: new Date('2020-01-01T00:00:00.123Z'),
      big: 2n ** 70n,
      map: new Map<string, unknown>([['a', new Set([1, 2])]]),
      list: [{ when: new Date(5) }, null, 'x', 1.25, true],
    };
    expect(deserialize(serialize(value))).toEqual(value);
  });

  it('escapes user objects that carry the tag key', () => {
    const value = { $es: 'date', v: '2020-01-01T00:00:00.000Z', inner: { $es: 'bigint', v: '1' } };
    expect(deserialize(serialize(value))).toEqual(value);
  });

  it('reads back a value that is not an object: a string stays a string, even one that reads as JSON', () => {
    for (const value of ['plain', '{"a":1}', '42', 42, null, true, [1, 'x']]) {
      expect(deserialize(serialize(value))).toEqual(value);
    }
  });

  it('writes plain JSON as JSON.stringify does, whatever its depth', () => {
    const deep: Record<string, unknown> = { leaf: [1, 'a', null, undefined, { skip: undefined }] };
    let nested = deep;
    for (let i = 0; i < 100; i++) nested = { next: nested };
    for (const value of [
      { amount: 1, note: 'x', tags: ['a', 'b'], meta: Object.assign(Object.create(null), { k: true }) },
      nested,
      new (class Point {
        x = 1;
        y = 2;
      })(),
    ]) {
      expect(serialize(value)).toBe(JSON.stringify(value));
      expect(deserialize(serialize(value))).toEqual(JSON.parse(JSON.stringify(value)));
    }
  });

  it('keeps tagged values found deep inside otherwise plain data, and text that only mentions the tag', () => {
    const value = { a: [{ b: { c: new Date(1), text: 'a "$es" key' } }] };
    expect(deserialize(serialize(value))).toEqual(value);
    expect(deserialize(serialize({ text: '{"$es":"date","v":"x"}' }))).toEqual({ text: '{"$es":"date","v":"x"}' });
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => serialize(cyclic)).toThrow(/Cannot serialize/);
  });

  it.each([
    [{ n: Number.NaN }],
    [{ n: Number.POSITIVE_INFINITY }],
    [{ f: () => 1 }],
    [{ d: new Date('nope') }],
    [{ list: [1, Symbol('s')] }],
    [{ deep: [[{ n: Number.NEGATIVE_INFINITY }]] }],
  ])('refuses values JSON cannot carry faithfully: %p', (value) => {
    expect(() => serialize(value)).toThrow(/Cannot serialize/);
  });

  it.each([
    ['a NUL character', { note: 'a\u0000b' }, /NUL character/],
    ['a NUL character after a backslash', { note: '\\\u0000' }, /NUL character/],
    ['a NUL character in a key', { 'k\u0000': 1 }, /NUL character/],
    ['a lone high surrogate', { note: 'x\ud800' }, /unpaired surrogate \(\\ud800\)/],
    ['a lone low surrogate inside a Date-tagged value', { at: new Date(0), note: '\udc00' }, /unpaired surrogate/],
  ])('refuses %s, which PostgreSQL jsonb cannot store', (_, value, message) => {
    expect(() => serialize(value)).toThrow(message);
  });

  it.each([
    ['the text \\u0000 a user typed', { note: '\\u0000' }],
    ['other control characters', { note: 'tab\tbell\u0007' }],
    ['a surrogate pair (an emoji)', { note: '\ud83d\ude00' }],
  ])('keeps %s', (_, value) => {
    expect(deserialize(serialize(value))).toEqual(value);
  });
});
