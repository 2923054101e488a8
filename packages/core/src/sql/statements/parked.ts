import type { ConsumerKey, ParkedEvent, ParkedEventToStore } from '../../backend/index.js';
import type { SqlExecutor } from '../executor.js';
import { type EventRow, toDate, toNumber, toStoredEvent } from '../rows.js';
import { bigint, empty, list, raw, sql } from '../template.js';
import { consumerWhere, eventColumns, execute, query, type StatementContext, table } from './context.js';

/** Events a consumer set aside (its failure policy's `park` or `halt`), with the error. */
export function parkedStatements(context: StatementContext) {
  const { dialect } = context;
  const parked = table(context, 'parked');
  const events = table(context, 'events');
  return {
    async parkEvent(executor: SqlExecutor, consumer: ConsumerKey, event: ParkedEventToStore): Promise<void> {
      await execute(
        executor,
        context,
        sql`DELETE FROM ${parked} WHERE ${consumerWhere(consumer)} AND position = ${bigint(event.position)}`,
      );
      const values = list([
        consumer.tenant,
        consumer.name,
        bigint(event.position),
        event.attempts,
        event.error.slice(0, 4000),
        event.halted ? 'halted' : 'parked',
        raw(dialect.currentTime),
      ]);
      await execute(
        executor,
        context,
        sql`INSERT INTO ${parked} (tenant_id, consumer, position, attempts, last_error, status, parked_at) VALUES (${values})`,
      );
    },

    async listParked(
      executor: SqlExecutor,
      consumer: ConsumerKey,
      limit: number,
      halted?: boolean,
    ): Promise<ParkedEvent[]> {
      const status = halted === undefined ? empty : sql` AND p.status = ${halted ? 'halted' : 'parked'}`;
      const rows = await query<
        EventRow & { attempts: unknown; last_error: unknown; status: unknown; parked_at: unknown }
      >(
        executor,
        context,
        sql`SELECT p.attempts, p.last_error, p.status, ${raw(dialect.selectTime('p.parked_at'))} AS parked_at, ${eventColumns(context, 'e')}
       FROM ${parked} p JOIN ${events} e ON e.position = p.position
       WHERE ${consumerWhere(consumer, 'p.')}${status} ORDER BY p.position LIMIT ${limit}`,
      );
      return rows.map((row) => ({
        event: toStoredEvent(row),
        error: String(row.last_error ?? ''),
        attempts: toNumber(row.attempts),
        parkedAt: toDate(row.parked_at),
        halted: row.status === 'halted',
      }));
    },

    removeParked(
      executor: SqlExecutor,
      consumer: ConsumerKey,
      positions: readonly bigint[] | undefined,
    ): Promise<number> {
      const only = positions ? sql` AND position IN (${list(positions.map(bigint))})` : empty;
      return execute(executor, context, sql`DELETE FROM ${parked} WHERE ${consumerWhere(consumer)}${only}`);
    },
  };
}
