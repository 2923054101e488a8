import { ConcurrencyError, InvalidStreamError } from '@es/core';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, uniqueId } from '../context.js';
import { Deposited } from '../fixtures.js';

/** One stream id in two tenants, acme and globex, with a deposit in each. */
async function oneStreamInTwoTenants<H>(ctx: SuiteContext<H>) {
  const stream = { category: 'account', id: uniqueId() };
  const acme = ctx.store().forTenant('acme');
  const globex = ctx.store().forTenant('globex');
  await acme.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'any' });
  await globex.append(stream, Deposited.create({ amount: 2 }), { expectedVersion: 'any' });
  return { stream, acme, globex };
}

export function tenancySuite<H>(ctx: SuiteContext<H>): void {
  describe('tenants', () => {
    it('keeps the same stream id in two tenants apart', async () => {
      const root = ctx.store();
      const acme = root.forTenant('acme');
      const globex = root.forTenant('globex');
      const stream = { category: 'account', id: uniqueId() };
      await acme.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      await globex.append(stream, [Deposited.create({ amount: 2 }), Deposited.create({ amount: 3 })], {
        expectedVersion: 'no_stream',
      });
      expect((await acme.readStream(stream)).map((e) => e.data)).toEqual([{ amount: 1 }]);
      expect((await globex.readStream(stream)).map((e) => e.data)).toEqual([{ amount: 2 }, { amount: 3 }]);
      expect(await root.readStream(stream)).toEqual([]);
      expect((await acme.readStream(stream))[0]?.stream.tenant).toBe('acme');
    });

    it("checks expected versions per tenant: one tenant's version never satisfies another's", async () => {
      const stream = { category: 'account', id: uniqueId() };
      const acme = ctx.store().forTenant('acme');
      await acme.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
      await expect(
        ctx
          .store()
          .forTenant('globex')
          .append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 1 }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it("reads only its own tenant's events from the global log", async () => {
      const { acme } = await oneStreamInTwoTenants(ctx);
      const acmeLog = await acme.readAll();
      expect(acmeLog.events.every((e) => e.stream.tenant === 'acme')).toBe(true);
      expect(acmeLog.events).toHaveLength(1);
      const all = await acme.readAll({ allTenants: true });
      expect(new Set(all.events.map((e) => e.stream.tenant))).toEqual(new Set(['acme', 'globex']));
    });

    it('keeps snapshots per tenant and deletes only the tenant stream', async () => {
      const { stream, acme, globex } = await oneStreamInTwoTenants(ctx);
      await acme.saveSnapshot(stream, { version: 1, state: 'acme' });
      expect(await globex.loadSnapshot(stream)).toBeUndefined();
      await acme.deleteStream(stream);
      expect(await globex.streamVersion(stream)).toBe(1);
    });

    it('rejects a malformed tenant', () => {
      expect(() => ctx.store().forTenant('')).toThrow(InvalidStreamError);
      expect(() => ctx.store().forTenant("x'; drop table")).toThrow(InvalidStreamError);
    });
  });
}
