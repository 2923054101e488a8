// SQLite's single writer, seen from another process: a second connection that takes the write
// lock with raw SQL, outside this process's gate (as another process would).

import { classifySqlError } from '@es/core/sql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaBackend } from '../src/index.js';
import { openHostClient, prismaTarget } from './support/index.ts';

describe('SQLite write lock', () => {
  const target = prismaTarget('sqlite');
  const ours = openHostClient('sqlite');
  const otherProcess = openHostClient('sqlite');
  const backend = createPrismaBackend(ours);

  beforeAll(() => target.setup());
  afterAll(async () => {
    await Promise.all([ours.$disconnect(), otherProcess.$disconnect()]);
    await target.teardown();
  });

  it('an own transaction waits while another process writes, then commits', async () => {
    await otherProcess.$executeRawUnsafe('BEGIN IMMEDIATE');
    let committed = false;
    const ownTransaction = backend.runInTransaction(async (tx) => {
      await tx.hostRow.create({ data: { id: 'after-the-other-writer' } });
      committed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(committed).toBe(false);
    await otherProcess.$executeRawUnsafe('COMMIT');
    await ownTransaction;
    expect(await target.hostRowIds()).toEqual(['after-the-other-writer']);
  });

  it('an own transaction holds the write lock from its first statement', async () => {
    await backend.runInTransaction(async () => {
      const attempt = otherProcess.$executeRawUnsafe('BEGIN IMMEDIATE');
      await expect(attempt).rejects.toThrow();
      expect(classifySqlError(await attempt.catch((error: unknown) => error))).toBe('busy');
    });
  });
});
