import { composeParts } from '../../util/composeParts.js';
import type { SqlDialect } from '../dialects/index.js';
import type { TableNames } from '../tables.js';
import { appendStatements } from './append.js';
import { checkpointStatements } from './checkpoints.js';
import type { StatementContext } from './context.js';
import { keyStatements } from './keys.js';
import { logStatements } from './log.js';
import { outboxStatements } from './outbox.js';
import { parkedStatements } from './parked.js';
import { schemaStatements } from './schema.js';
import { snapshotStatements } from './snapshots.js';
import { streamStatements } from './streams.js';
import { tagStatements } from './tags.js';
import { writeLockStatements } from './writeLock.js';

export type { StatementContext } from './context.js';
export type { SchemaMismatch } from './schema.js';

/**
 * Every statement of the store for one dialect and one table prefix, by concern: each module
 * holds one concern's SQL with every dialect's variant beside the others'.
 */
export function createStatements(dialect: SqlDialect, tables: TableNames, notifyChannel?: string) {
  const context: StatementContext = { dialect, tables, ...(notifyChannel !== undefined && { notifyChannel }) };
  return composeParts(
    context,
    schemaStatements,
    appendStatements,
    streamStatements,
    logStatements,
    snapshotStatements,
    checkpointStatements,
    parkedStatements,
    outboxStatements,
    tagStatements,
    keyStatements,
    writeLockStatements,
  );
}

export type SqlStatements = ReturnType<typeof createStatements>;
