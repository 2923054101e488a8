import { MYSQL_NAME_CHARSET, MYSQL_NAME_COLLATION, type SqlDialectName } from '@es/core/sql';
import type { EntitySchemaColumnOptions } from 'typeorm';

type Column = EntitySchemaColumnOptions;
type Extra = Partial<Column>;

/**
 * The store's column types on each dialect, as TypeORM spells them. Every column is NOT NULL
 * unless `extra` says `nullable: true`.
 */
export function columnTypes(dialect: SqlDialectName) {
  const column = (type: Column, extra: Extra): Column => ({ nullable: false, ...type, ...extra });
  const byDialect = <T>(postgres: T, mysql: T, sqlite: T): T =>
    dialect === 'postgres' ? postgres : dialect === 'mysql' ? mysql : sqlite;

  return {
    /** A name column; on MySQL compared byte for byte, as on the other dialects (see MYSQL_NAME_COLLATION). */
    varchar: (length: number, extra: Extra = {}) =>
      column(
        {
          type: 'varchar',
          length,
          ...(dialect === 'mysql' && { charset: MYSQL_NAME_CHARSET, collation: MYSQL_NAME_COLLATION }),
        },
        extra,
      ),
    integer: (extra: Extra = {}) => column({ type: byDialect('integer', 'int', 'integer') }, extra),
    bigint: (extra: Extra = {}) => column({ type: 'bigint' }, extra),
    /** A log position typed as the events table's (`integer` on SQLite, where that one is the rowid). */
    logPosition: (extra: Extra = {}) => column({ type: byDialect('bigint', 'bigint', 'integer') }, extra),
    text: (extra: Extra = {}) => column({ type: 'text' }, extra),
    /** `uuid` on PostgreSQL; `char(36)` on MySQL (TypeORM's `uuid` would be MariaDB's native type). */
    uuid: (extra: Extra = {}) =>
      column(byDialect<Column>({ type: 'uuid' }, { type: 'char', length: 36 }, { type: 'text' }), extra),
    /** `jsonb`; `json` (MariaDB stores it as longtext with a JSON check); text on SQLite. */
    json: (extra: Extra = {}) => column({ type: byDialect('jsonb', 'json', 'text') }, extra),
    /** Millisecond timestamps: `timestamptz(3)`, `datetime(3)`, ISO text on SQLite. */
    timestamp: (extra: Extra = {}) =>
      column(
        byDialect<Column>({ type: 'timestamptz', precision: 3 }, { type: 'datetime', precision: 3 }, { type: 'text' }),
        extra,
      ),
    /**
     * An auto-increment bigint key: BIGSERIAL on PostgreSQL (EntitySchema has no `identity`),
     * AUTO_INCREMENT on MySQL, `integer PRIMARY KEY AUTOINCREMENT` on SQLite (only the exact type
     * `integer` aliases the rowid there).
     */
    serialKey: (constraintName: string): Column => ({
      type: byDialect('bigint', 'bigint', 'integer'),
      primary: true,
      generated: 'increment',
      primaryKeyConstraintName: constraintName,
    }),
  };
}
