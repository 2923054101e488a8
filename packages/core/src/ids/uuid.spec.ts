import { isUuid, uuidv7 } from './uuid.js';

describe('uuidv7', () => {
  it('produces version 7, variant 10 uuids that sort by creation time', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(a[19]);
    expect(a < b).toBe(true);
  });

  it('never repeats, across refills of its random pool', () => {
    const ids = Array.from({ length: 2_000 }, () => uuidv7(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => isUuid(id) && id[14] === '7')).toBe(true);
    // Same millisecond: only the random bits differ, and they are not all the same.
    expect(new Set(ids.map((id) => id.slice(24))).size).toBe(ids.length);
  });
});
