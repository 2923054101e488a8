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

  it('revives already-parsed JSON (as jsonb columns return it)', () => {
    const text = serialize({ at: new Date(7) });
    expect(deserialize(JSON.parse(text))).toEqual({ at: new Date(7) });
  });

  it.each([
    [{ n: Number.NaN }],
    [{ n: Number.POSITIVE_INFINITY }],
    [{ f: () => 1 }],
    [{ d: new Date('nope') }],
  ])('refuses values JSON cannot carry faithfully: %p', (value) => {
    expect(() => serialize(value)).toThrow(/Cannot serialize/);
  });
});
