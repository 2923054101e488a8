import { type EventStore, InvalidArgumentError, type StreamName } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { type BankEventDefinition, Deposited } from '../fixtures.js';

/** A stream at `version`: a snapshot is taken at a version the stream has reached. */
async function streamAt<H>(store: EventStore<BankEventDefinition, H>, version: number): Promise<StreamName> {
  const stream = { category: 'account', id: uniqueId() };
  const events = Array.from({ length: version }, () => Deposited.create({ amount: 1 }));
  await store.append(stream, events, { expectedVersion: 'no_stream' });
  return stream;
}

export function snapshotsSuite<H>(ctx: SuiteContext<H>): void {
  describe('snapshots', () => {
    it('saves and loads a snapshot with its version, schema version and revived state', async () => {
      const store = ctx.store();
      const stream = await streamAt(store, 7);
      const state = { balance: 10n, since: new Date('2020-02-02T02:02:02.002Z'), owners: ['a'] };
      await store.saveSnapshot(stream, { version: 7, state, schemaVersion: 2 });
      const loaded = await store.loadSnapshot(stream);
      expect(loaded?.version).toBe(7);
      expect(loaded?.schemaVersion).toBe(2);
      expect(loaded?.state).toEqual(state);
      expect(loaded?.takenAt).toBeInstanceOf(Date);
    });

    it('keeps the snapshot with the highest version, whatever the saving order', async () => {
      const store = ctx.store();
      const stream = await streamAt(store, 9);
      await store.saveSnapshot(stream, { version: 5, state: { at: 5 } });
      await store.saveSnapshot(stream, { version: 9, state: { at: 9 } });
      await store.saveSnapshot(stream, { version: 3, state: { at: 3 } });
      const loaded = await store.loadSnapshot(stream);
      expect(loaded?.version).toBe(9);
      expect(loaded?.state).toEqual({ at: 9 });
    });

    it('keeps a state that is not an object: a string (even one that reads as JSON), a number, a list', async () => {
      const store = ctx.store();
      for (const state of ['plain text', '{"looks":"like json"}', '42', 42, [1, 'two'], true]) {
        const stream = await streamAt(store, 1);
        await store.saveSnapshot(stream, { version: 1, state });
        expect((await store.loadSnapshot(stream))?.state).toEqual(state);
      }
    });

    it("refuses a snapshot beyond the stream's version, writing nothing", async () => {
      const store = ctx.store();
      const stream = await streamAt(store, 2);
      await expect(store.saveSnapshot(stream, { version: 3, state: {} })).rejects.toBeInstanceOf(InvalidArgumentError);
      const empty = { category: 'account', id: uniqueId() };
      await expect(store.saveSnapshot(empty, { version: 1, state: {} })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await store.loadSnapshot(stream)).toBeUndefined();
      expect((await ctx.target.countRows()).snapshots).toBe(0);
    });

    it('has no snapshot for a stream that never had one', async () => {
      expect(await ctx.store().loadSnapshot({ category: 'account', id: uniqueId() })).toBeUndefined();
    });
  });
}
