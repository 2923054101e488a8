import type { SqlExecutor, SqlParam, StatementOptions } from './executor.js';
import { statementName } from './namedStatement.js';
import { canCopy, copyIn } from './nodePostgresCopy.js';

/** A node-postgres Pool or (Pool)Client, as far as the store runs statements on it. */
export interface NodePostgresQueryable {
  query(config: {
    name?: string;
    text: string;
    values?: unknown[];
  }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * Whether `value` is a node-postgres Pool (a single Client has `connect()` too, but no pool
 * counters): what an ORM package checks before running core's statements on its driver's pool.
 */
export function isNodePostgresPool<TPool extends NodePostgresQueryable = NodePostgresQueryable>(
  value: unknown,
): value is TPool {
  return (
    typeof (value as { connect?: unknown } | undefined)?.connect === 'function' &&
    typeof (value as { idleCount?: unknown }).idleCount === 'number'
  );
}

/**
 * Core's statements straight on node-postgres, for an ORM package that can reach its driver's
 * pool or client: a statement core marks reusable runs as a named prepared statement, planned
 * once per connection. On a single client (a transaction's) it can also `COPY ... FROM STDIN`.
 * `log` sees each statement first (the ORM's own query logger).
 */
export function nodePostgresExecutor(
  target: NodePostgresQueryable,
  log?: (text: string, values: unknown[]) => void,
): SqlExecutor {
  const run = (text: string, params: readonly SqlParam[] = [], options?: StatementOptions) => {
    const values = [...params];
    log?.(text, values);
    // A new config each call: node-postgres writes onto the one it is given.
    const name = options?.prepare ? statementName(text) : undefined;
    return target.query(name ? { name, text, values } : { text, values });
  };
  // A single client can COPY (a Pool would hand the COPY to any of its clients).
  const copyFrom = canCopy(target)
    ? (text: string, rows: string) => {
        log?.(text, []);
        return copyIn(target, text, rows);
      }
    : undefined;
  return {
    dialect: 'postgres',
    ...(copyFrom && { copyFrom }),
    async query<Row>(text: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return (await run(text, params, options)).rows as Row[];
    },
    async execute(text: string, params?: readonly SqlParam[], options?: StatementOptions) {
      return (await run(text, params, options)).rowCount ?? 0;
    },
  };
}
