import { tableNames } from '@es/core/sql';
import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  type PgColumnBuilderBase,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { constraints, type TableKit } from './kit.js';
import { storeTables } from './layout.js';

const position = (name: string) => bigint(name, { mode: 'bigint' });

/** How PostgreSQL spells the store's columns. */
const pgColumns = {
  name: (name: string, length: number) => varchar(name, { length }),
  int: (name: string) => integer(name),
  position,
  positionZero: sql`0`,
  json: (name: string) => jsonb(name),
  time: (name: string) => timestamp(name, { precision: 3, withTimezone: true, mode: 'string' }),
  text: (name: string) => text(name),
  uuid: (name: string) => uuid(name),
  serial: (name: string) => position(name).primaryKey().generatedAlwaysAsIdentity(),
};

const pgTables: TableKit<'pg', PgColumnBuilderBase> = {
  table: (table) => pgTable(table.name, table.columns, (t) => constraints(table, t, { primaryKey, unique, index })),
};

/** The store's tables for PostgreSQL (drizzle-orm/pg-core). */
export function pgModels(tablePrefix?: string) {
  return storeTables(tableNames(tablePrefix), pgTables, pgColumns, {
    columns: { position: pgColumns.serial('position'), transactionId: position('transaction_id').notNull() },
    place: { position: position('position').notNull(), transactionId: position('transaction_id').notNull() },
    // Consumers read the log in commit order: by transaction id, then position.
    order: ['transactionId', 'position'],
    indexes: { transaction_id_position_idx: ['transactionId', 'position'] },
  });
}
