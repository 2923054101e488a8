import { MYSQL_NAME_CHARSET, MYSQL_NAME_COLLATION, tableNames } from '@es/core/sql';
import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  customType,
  datetime,
  index,
  int,
  json,
  type MySqlColumnBuilderBase,
  mysqlTable,
  primaryKey,
  text,
  unique,
} from 'drizzle-orm/mysql-core';
import { constraints, type TableKit } from './kit.js';
import { storeTables } from './layout.js';

const position = (name: string) => bigint(name, { mode: 'bigint' });

/** How MySQL and MariaDB spell the store's columns. */
const mysqlColumns = {
  /**
   * A name column compared byte for byte, as on the other dialects (see MYSQL_NAME_COLLATION).
   * drizzle-orm's `varchar` takes no collation; drizzle-kit writes a custom type's SQL as it is.
   */
  name: (name: string, length: number) =>
    customType<{ data: string; driverData: string }>({
      dataType: () => `varchar(${length}) CHARACTER SET ${MYSQL_NAME_CHARSET} COLLATE ${MYSQL_NAME_COLLATION}`,
    })(name),
  int: (name: string) => int(name),
  position,
  positionZero: sql`0`,
  json: (name: string) => json(name),
  time: (name: string) => datetime(name, { fsp: 3, mode: 'string' }),
  text: (name: string) => text(name),
  uuid: (name: string) => char(name, { length: 36 }),
  serial: (name: string) => position(name).primaryKey().autoincrement(),
};

const mysqlTables: TableKit<'mysql', MySqlColumnBuilderBase> = {
  table: (table) => mysqlTable(table.name, table.columns, (t) => constraints(table, t, { primaryKey, unique, index })),
};

/** The store's tables for MySQL and MariaDB (drizzle-orm/mysql-core). */
export function mysqlModels(tablePrefix?: string) {
  const names = tableNames(tablePrefix);
  return {
    ...storeTables(names, mysqlTables, mysqlColumns, {
      // Not auto-increment: positions are allocated under the log_head row lock (see core).
      columns: { position: position('position').primaryKey() },
      place: { position: position('position').notNull() },
      order: ['position'],
    }),
    logHead: mysqlTable(names.logHead, {
      id: int('id').primaryKey(),
      position: position('position').notNull(),
    }),
  };
}
