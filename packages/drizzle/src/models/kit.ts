import type { BuildColumns, ColumnBuilderBase, HasDefault, NotNull } from 'drizzle-orm';
import type { MySqlTableWithColumns } from 'drizzle-orm/mysql-core';
import type { PgTableWithColumns } from 'drizzle-orm/pg-core';
import type { SQLiteTableWithColumns } from 'drizzle-orm/sqlite-core';

/** The modifiers the layout applies; the column builders of every Drizzle dialect have them. */
export interface ColumnBuilder extends ColumnBuilderBase {
  notNull(): NotNull<this>;
  default(value: unknown): HasDefault<this>;
}

/**
 * NOT NULL with a default. Chained on a generic builder, TypeScript types the second modifier's
 * `this` as the bare builder and would drop the first from the column's type.
 */
export function notNullDefault<Builder extends ColumnBuilder>(builder: Builder, value: unknown) {
  return builder.notNull().default(value) as HasDefault<NotNull<Builder>>;
}

/**
 * How one dialect spells each kind of column the store's tables hold. The builders are nullable
 * and without a default: the layout says which columns are NOT NULL and what their defaults are.
 */
export interface ColumnKit<
  Name extends ColumnBuilder,
  Int extends ColumnBuilder,
  Position extends ColumnBuilder,
  Json extends ColumnBuilder,
  Time extends ColumnBuilder,
  Text extends ColumnBuilder,
  Uuid extends ColumnBuilder,
  Serial extends ColumnBuilderBase,
> {
  /** A name (tenant, category, stream id, event type, consumer, owner, status) of up to `length` characters. */
  name(column: string, length: number): Name;
  int(column: string): Int;
  /** A log position or a transaction id: 64 bits. */
  position(column: string): Position;
  /** 0, as this dialect writes the default of a `position` column. */
  readonly positionZero: unknown;
  json(column: string): Json;
  /** A time with milliseconds. */
  time(column: string): Time;
  text(column: string): Text;
  uuid(column: string): Uuid;
  /** A primary key the database numbers, never reusing a number. */
  serial(column: string): Serial;
}

/** A key, unique constraint or index: its full name and its columns (keys of the table's columns). */
export interface Constraint<Column extends string = string> {
  readonly name: string;
  readonly columns: readonly Column[];
}

/** One table of the store, with its dialect's column builders. */
export interface TableLayout<Columns extends Record<string, ColumnBuilderBase>> {
  readonly name: string;
  readonly columns: Columns;
  readonly primaryKey?: Constraint<keyof Columns & string>;
  readonly uniques?: readonly Constraint<keyof Columns & string>[];
  readonly indexes?: readonly Constraint<keyof Columns & string>[];
}

/** What each dialect's table builder (pgTable, mysqlTable, sqliteTable) makes of a set of columns. */
export interface DialectTables<Columns extends Record<string, ColumnBuilderBase>> {
  pg: PgTableWithColumns<{
    name: string;
    schema: undefined;
    columns: BuildColumns<string, Columns, 'pg'>;
    dialect: 'pg';
  }>;
  mysql: MySqlTableWithColumns<{
    name: string;
    schema: undefined;
    columns: BuildColumns<string, Columns, 'mysql'>;
    dialect: 'mysql';
  }>;
  sqlite: SQLiteTableWithColumns<{
    name: string;
    schema: undefined;
    columns: BuildColumns<string, Columns, 'sqlite'>;
    dialect: 'sqlite';
  }>;
}

/** How one dialect builds a table of the layout from its column builders (`Builder`). */
export interface TableKit<Dialect extends keyof DialectTables<never>, Builder extends ColumnBuilderBase> {
  table<Columns extends Record<string, Builder>>(layout: TableLayout<Columns>): DialectTables<Columns>[Dialect];
}

/** A dialect's `primaryKey`, `unique` and `index` (from drizzle-orm/pg-core and the others). */
export interface ConstraintBuilders<Column, Key, Unique, Index> {
  primaryKey(config: { name: string; columns: [Column, ...Column[]] }): Key;
  unique(name: string): { on(...columns: [Column, ...Column[]]): Unique };
  index(name: string): { on(...columns: [Column, ...Column[]]): Index };
}

/** A table's key, unique constraints and indexes, for its dialect's table builder's third argument. */
export function constraints<Columns extends Record<string, ColumnBuilderBase>, Column, Key, Unique, Index>(
  table: TableLayout<Columns>,
  columns: Record<string, Column>,
  { primaryKey, unique, index }: ConstraintBuilders<Column, Key, Unique, Index>,
): (Key | Unique | Index)[] {
  const on = (constraint: Constraint<keyof Columns & string>): [Column, ...Column[]] => {
    const [first, ...rest] = constraint.columns.map((key) => columns[key] as Column);
    return [first as Column, ...rest];
  };
  return [
    ...(table.primaryKey ? [primaryKey({ name: table.primaryKey.name, columns: on(table.primaryKey) })] : []),
    ...(table.uniques ?? []).map((constraint) => unique(constraint.name).on(...on(constraint))),
    ...(table.indexes ?? []).map((constraint) => index(constraint.name).on(...on(constraint))),
  ];
}
