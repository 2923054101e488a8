import { ConcurrencyError } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { Deposited } from '../fixtures.js';

export function expectedVersionSuite<H>(ctx: SuiteContext<H>): void {
  const one = () => Deposited.create({ amount: 1 });

  const conflictOf = async (promise: Promise<unknown>): Promise<ConcurrencyError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConcurrencyError);
    return error as ConcurrencyError;
  };

  describe('expected version', () => {
    it("'no_stream' creates a stream and fails once it exists", async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, one(), { expectedVersion: 'no_stream' });
      const error = await conflictOf(store.append(stream, one(), { expectedVersion: 'no_stream' }));
      expect(error.expected).toBe('no_stream');
      expect(error.actual).toBe(1);
      expect(error.stream).toEqual({ tenant: 'default', ...stream });
    });

    it('0 means the stream has no events, like no_stream', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      expect((await store.append(stream, one(), { expectedVersion: 0 })).nextExpectedVersion).toBe(1);
      const error = await conflictOf(store.append(stream, one(), { expectedVersion: 0 }));
      expect(error.actual).toBe(1);
    });

    it("'stream_exists' fails on a missing stream and succeeds on an existing one", async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      const error = await conflictOf(store.append(stream, one(), { expectedVersion: 'stream_exists' }));
      expect(error.actual).toBe(0);
      await store.append(stream, one(), { expectedVersion: 'no_stream' });
      expect((await store.append(stream, one(), { expectedVersion: 'stream_exists' })).nextExpectedVersion).toBe(2);
    });

    it('an exact version succeeds only at that version', async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, [one(), one()], { expectedVersion: 'no_stream' });
      const error = await conflictOf(store.append(stream, one(), { expectedVersion: 1 }));
      expect(error.expected).toBe(1);
      expect(error.actual).toBe(2);
      await conflictOf(store.append(stream, one(), { expectedVersion: 3 }));
      expect((await store.append(stream, one(), { expectedVersion: 2 })).nextExpectedVersion).toBe(3);
    });

    it("'any' appends whatever the version, creating the stream if needed", async () => {
      const store = ctx.store();
      const stream = { category: 'account', id: uniqueId() };
      expect((await store.append(stream, one(), { expectedVersion: 'any' })).nextExpectedVersion).toBe(1);
      expect((await store.append(stream, [one(), one()], { expectedVersion: 'any' })).nextExpectedVersion).toBe(3);
    });

    it('a failed expectation writes nothing: no events, no outbox rows', async () => {
      const store = ctx.store({ outbox: true });
      const stream = { category: 'account', id: uniqueId() };
      await store.append(stream, one(), { expectedVersion: 'no_stream' });
      const before = await ctx.target.countRows();
      await conflictOf(store.append(stream, [one(), one()], { expectedVersion: 5 }));
      expect(await ctx.target.countRows()).toEqual(before);
      expect(await store.streamVersion(stream)).toBe(1);
    });
  });
}
