import { tableNames } from '@es/core/sql';
import {
  index,
  integer,
  primaryKey,
  type SQLiteColumnBuilderBase,
  sqliteTable,
  text,
  unique,
} from 'drizzle-orm/sqlite-core';
import { constraints, type TableKit } from './kit.js';
import { storeTables } from './layout.js';

/** How SQLite spells the store's columns: integers and text (no lengths); times are ISO-8601 text. */
const sqliteColumns = {
  name: (name: string) => text(name),
  int: (name: string) => integer(name),
  position: (name: string) => integer(name),
  positionZero: 0,
  json: (name: string) => text(name),
  time: (name: string) => text(name),
  text: (name: string) => text(name),
  uuid: (name: string) => text(name),
  // AUTOINCREMENT: a number (an event's position, an outbox id) is never reused, even after its row is deleted.
  serial: (name: string) => integer(name).primaryKey({ autoIncrement: true }),
};

const sqliteTables: TableKit<'sqlite', SQLiteColumnBuilderBase> = {
  table: (table) => sqliteTable(table.name, table.columns, (t) => constraints(table, t, { primaryKey, unique, index })),
};

/** The store's tables for SQLite (drizzle-orm/sqlite-core). */
export function sqliteModels(tablePrefix?: string) {
  return storeTables(tableNames(tablePrefix), sqliteTables, sqliteColumns, {
    columns: { position: sqliteColumns.serial('position') },
    place: { position: sqliteColumns.position('position').notNull() },
    order: ['position'],
  });
}
