import { MYSQL_NAME_COLLATION, type SqlDialectName } from '@es/core/sql';
import { p } from '@mikro-orm/core';

/** Physical column types per dialect, as the store's SQL expects them. */
const COLUMN_TYPES = {
  postgres: { uuid: 'uuid', json: 'jsonb', timestamp: 'timestamptz(3)' },
  mysql: { uuid: 'char(36)', json: 'json', timestamp: 'datetime(3)' },
  sqlite: { uuid: 'text', json: 'text', timestamp: 'text' },
} as const;

/**
 * Property builders for one dialect. Every column name is explicit (`fieldName`), so the host's
 * naming strategy cannot rename a column the store's SQL refers to. The runtime types only matter
 * to MikroORM's schema tooling: the store reads and writes these tables with its own SQL.
 */
export function columns(dialect: SqlDialectName) {
  const types = COLUMN_TYPES[dialect];
  // `unsigned(false)`: MikroORM's MySQL platform makes numeric primary keys unsigned by default.
  const integer = (name: string) => p.integer().fieldName(name).unsigned(false);
  const bigint = (name: string) => p.bigint('string').fieldName(name).unsigned(false);
  /** A name column; on MySQL compared byte for byte, as on the other dialects (see MYSQL_NAME_COLLATION). */
  const varchar = (name: string, length: number) => {
    const column = p.string().fieldName(name).length(length);
    return dialect === 'mysql' ? column.collation(MYSQL_NAME_COLLATION) : column;
  };
  return {
    varchar,
    text: (name: string) => p.text().fieldName(name),
    integer,
    bigint,
    uuid: (name: string) => p.string().fieldName(name).columnType(types.uuid),
    json: (name: string) => p.json<unknown>().fieldName(name).columnType(types.json),
    timestamp: (name: string) => p.string().fieldName(name).columnType(types.timestamp),
    /** A log position typed as the events table's (`integer` on SQLite, where that one is the rowid). */
    logPosition: (name: string) => (dialect === 'sqlite' ? bigint(name).columnType('integer') : bigint(name)),
    /**
     * An auto-increment bigint key. SQLite needs it spelled `integer` (the rowid alias behind
     * `integer primary key autoincrement`); saying so keeps the schema diff from flagging it.
     */
    serialKey: (name: string) => {
      const key = bigint(name).primary().autoincrement();
      return dialect === 'sqlite' ? key.columnType('integer') : key;
    },
    /** The stream key every table carries: tenant, category, stream id. */
    streamKey: () => ({
      tenantId: varchar('tenant_id', 100),
      category: varchar('category', 100),
      streamId: varchar('stream_id', 200),
    }),
  };
}
