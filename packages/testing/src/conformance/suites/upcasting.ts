import { createEventStore, UpcastError } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { AccountOpened, AccountOpenedV1 } from '../fixtures.js';

export function upcastingSuite<H>(ctx: SuiteContext<H>): void {
  describe('upcasting', () => {
    it('reads an event stored at schema version 1 as version 3 through chained upcasters', async () => {
      const stream = { category: 'account', id: uniqueId() };
      const old = createEventStore({ backend: ctx.backend(), events: [AccountOpenedV1] });
      await old.append(stream, AccountOpenedV1.create({ holder: 'grace' }), { expectedVersion: 'no_stream' });
      const [event] = await ctx.store().readStream(stream);
      expect(event?.storedSchemaVersion).toBe(1);
      expect(event?.data).toEqual({ owner: 'grace', currency: 'EUR', openedAt: new Date(0) });
      if (event && AccountOpened.is(event)) expect(event.data.owner).toBe('grace');
    });

    it('stores new events at the current schema version', async () => {
      const stream = { category: 'account', id: uniqueId() };
      const store = ctx.store();
      await store.append(stream, AccountOpened.create({ owner: 'x', currency: 'USD', openedAt: new Date(1) }), {
        expectedVersion: 'no_stream',
      });
      const [event] = await store.readStream(stream);
      expect(event?.storedSchemaVersion).toBe(3);
    });

    it('refuses to read an event stored at a newer version than the code knows', async () => {
      const stream = { category: 'account', id: uniqueId() };
      await ctx.store().append(stream, AccountOpened.create({ owner: 'x', currency: 'USD', openedAt: new Date(1) }), {
        expectedVersion: 'no_stream',
      });
      const old = createEventStore({ backend: ctx.backend(), events: [AccountOpenedV1] });
      await expect(old.readStream(stream)).rejects.toBeInstanceOf(UpcastError);
    });
  });
}
