import { classifySqlError } from './errors.js';

describe('classifySqlError', () => {
  it.each([
    [{ code: '23505' }, 'unique_violation'],
    [{ errno: 1062, code: 'ER_DUP_ENTRY' }, 'unique_violation'],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'unique_violation'],
    [{ message: 'wrapped', driverError: { code: '23505' } }, 'unique_violation'],
    [{ message: 'prisma', meta: { code: '1062' } }, 'unique_violation'],
    [{ message: 'drizzle', cause: { code: '40P01' } }, 'lock_conflict'],
    [{ code: '55P03', message: 'canceling statement due to lock timeout' }, 'lock_conflict'],
    [{ errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }, 'lock_conflict'],
    [
      {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'mysql', code: 1205, message: 'Lock wait timeout' } } },
      },
      'lock_conflict',
    ],
    [{ code: 'SQLITE_BUSY' }, 'busy'],
    [{ message: 'connection refused' }, 'other'],
  ])('%p is %s', (error, kind) => {
    expect(classifySqlError(error)).toBe(kind);
  });
});
