import { randomUUID } from 'node:crypto';
import { createConsumer, createEventStore } from '@es/core';
import {
  createSqlBackend,
  type SqlConnection,
  type SqlExecutor,
  type SqlParam,
  type StatementOptions,
} from '@es/core/sql';
import { describe, expect, it } from '@jest/globals';
import { holdPoint, type SuiteContext, sqlBackendOf, uniqueId } from '../context.js';
import { bankEvents, Deposited } from '../fixtures.js';

/** `connection` with `then` run once, after the first statement that reads `table` has returned. */
function afterFirstRead<H>(
  connection: SqlConnection<H>,
  table: string,
  then: () => Promise<unknown>,
): SqlConnection<H> {
  let fired = false;
  const watched = (executor: SqlExecutor): SqlExecutor => ({
    dialect: executor.dialect,
    async query<Row>(sql: string, params?: readonly SqlParam[], options?: StatementOptions) {
      const rows = await executor.query<Row>(sql, params, options);
      if (!fired && sql.includes(`FROM ${table} `)) {
        fired = true;
        await then();
      }
      return rows;
    },
    execute: (sql, params, options) => executor.execute(sql, params, options),
  });
  return {
    ...watched(connection),
    transaction: (work) => connection.transaction((executor, handle) => work(watched(executor), handle)),
    join: (handle) => watched(connection.join(handle)),
  };
}

/**
 * MySQL/MariaDB only: reading the log where positions commit in order (by the log-head row's
 * lock), against the read views MariaDB actually takes.
 */
export function mysqlReadViewsSuite<H>(ctx: SuiteContext<H>): void {
  if (ctx.target.dialect !== 'mysql') return;
  describe('mysql read views', () => {
    /*
     * MariaDB takes a read view by walking its set of open transactions without a lock, so an
     * append can commit behind the walk while the next one (which took the log-head lock after
     * it) commits ahead of it: the view shows the later append and the log head it moved, and
     * hides the earlier one, committed by the time the statement returns. Any later view sees it.
     * That is what a batch saw when it read the head and then its page in one transaction (one
     * view): it moved its checkpoint past the hidden events for good (the 8-writer consumer test
     * lost 2 of 4002 once). Forced here: the earlier append's event is held uncommitted (so the
     * head's read view cannot see it) and commits as soon as the head's statement has returned.
     */
    it('MySQL/MariaDB: a consumer does not skip an append its log-head read could not see yet (a torn read view)', async () => {
      const { connection, tables, tablePrefix } = sqlBackendOf(ctx);
      const store = ctx.store();
      const first = await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 1 }), {
        expectedVersion: 'no_stream',
      });
      const firstPosition = first.events[0]!.position;
      // The hidden append: the next position, taken from the counter, its event inserted and left
      // uncommitted (a copy of the first event's row on a stream of its own).
      await connection.execute(`UPDATE ${tables.logHead} SET position = position + 1 WHERE id = 1`);
      const hiddenId = randomUUID();
      const open = holdPoint();
      const hidden = connection.transaction(async (executor) => {
        await executor.execute(
          `INSERT INTO ${tables.events} (position, event_id, tenant_id, category, stream_id, stream_version, type, schema_version, data, metadata, recorded_at)
           SELECT ?, ?, tenant_id, category, ?, 1, type, schema_version, data, metadata, recorded_at FROM ${tables.events} WHERE position = ?`,
          [Number(firstPosition + 1n), hiddenId, uniqueId('hidden'), Number(firstPosition)],
        );
        await open.hold();
      });
      await open.reached;
      const commitHidden = () => {
        open.release();
        return hidden;
      };
      try {
        // The later append commits past it and moves the head.
        const later = await store.append({ category: 'account', id: uniqueId() }, Deposited.create({ amount: 2 }), {
          expectedVersion: 'no_stream',
        });
        expect(later.events[0]!.position).toBe(firstPosition + 2n);

        const backend = createSqlBackend({
          name: 'torn-view',
          connection: afterFirstRead(connection, tables.logHead, commitHidden),
          tablePrefix,
        });
        const handled: string[] = [];
        const consumer = createConsumer(createEventStore({ backend, events: bankEvents }), {
          name: uniqueId('torn'),
          batchSize: 1000,
          async handle(events) {
            handled.push(...events.map((event) => event.id));
          },
        });
        await consumer.catchUp();
        expect(handled).toEqual([first.events[0]!.id, hiddenId, later.events[0]!.id]);
      } finally {
        await commitHidden();
      }
    });
  });
}
