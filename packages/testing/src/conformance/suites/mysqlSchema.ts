import { createEventStore, SchemaMismatchError } from '@es/core';
import { createSqlBackend, mysqlNameCollationStatements } from '@es/core/sql';
import { describe, expect, it } from '@jest/globals';
import { type SuiteContext, sqlBackendOf, uniqueId } from '../context.js';
import { bankEvents, Deposited } from '../fixtures.js';

/** MySQL/MariaDB only: what the store does on tables whose name columns fold case. */
export function mysqlSchemaSuite<H>(ctx: SuiteContext<H>): void {
  if (ctx.target.dialect !== 'mysql') return;
  describe('mysql schema', () => {
    it('refuses name columns that fold case before writing anything, and hands over the fix', async () => {
      const { connection, tables, tablePrefix } = sqlBackendOf(ctx);
      // A table as an earlier version (or a tool that cannot set a collation) created it.
      await connection.execute(
        `ALTER TABLE ${tables.streams} MODIFY stream_id VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL`,
      );
      try {
        const backend = createSqlBackend({ name: 'check', connection, tablePrefix });
        const store = createEventStore({ backend, events: bankEvents });
        const stream = { category: 'account', id: uniqueId() };
        const refused = await store
          .append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' })
          .catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(SchemaMismatchError);
        expect((refused as Error).message).toContain(`${tables.streams}.stream_id`);
        expect(await ctx.store().readStream(stream)).toEqual([]);
        // The statements it names are the fix; the same backend checks again and goes on.
        for (const statement of (refused as SchemaMismatchError).fix) await connection.execute(statement);
        await store.append(stream, Deposited.create({ amount: 1 }), { expectedVersion: 'no_stream' });
        expect(await ctx.store().readStream(stream)).toHaveLength(1);
      } finally {
        for (const statement of mysqlNameCollationStatements(tables)) await connection.execute(statement);
      }
    });
  });
}
