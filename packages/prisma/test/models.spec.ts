// The tables the shipped models produce, read back from each database's catalog and compared
// with the spec: column types, nullability, defaults, keys and indexes. On MySQL this checks the
// test-only migration stand-in (test/support/mysqlMigrationStandIn.ts) as much as the models.

import { tableNames } from '@es/core/sql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Dialect, openHostClient, prismaTarget } from './support/index.ts';

type Kind = 'int' | 'bigint' | 'uuid' | 'json' | 'timestamp' | 'text' | `varchar(${number})`;

interface Column {
  readonly kind: Kind;
  readonly nullable?: boolean;
  readonly default?: string;
}

interface TableSpec {
  readonly columns: Record<string, Column>;
  readonly primaryKey: readonly string[];
  /** The auto-increment key column, if any. */
  readonly autoIncrement?: string;
  readonly uniques?: readonly (readonly string[])[];
  readonly indexes?: readonly (readonly string[])[];
}

/** The shape of one table, the same way for every database. */
interface TableShape {
  readonly columns: Record<string, { type: string; nullable: boolean; default: string | null }>;
  readonly primaryKey: string[];
  readonly autoIncrement: string | null;
  readonly uniques: string[][];
  readonly indexes: string[][];
}

const key = {
  tenant_id: { kind: 'varchar(100)' },
  category: { kind: 'varchar(100)' },
  stream_id: { kind: 'varchar(200)' },
} as const;
const streamKey = ['tenant_id', 'category', 'stream_id'];

/** SPEC.md's tables (with es_outbox.claimed_by). */
function spec(dialect: Dialect): Record<string, TableSpec> {
  const postgres = dialect === 'postgres';
  // Consumers read the log in commit order: on PostgreSQL by transaction id, then position.
  const logOrder = postgres ? ['transaction_id', 'position'] : ['position'];
  return {
    streams: { columns: { ...key, version: { kind: 'int' } }, primaryKey: streamKey },
    events: {
      columns: {
        position: { kind: 'bigint' },
        ...(postgres && { transaction_id: { kind: 'bigint' } }),
        event_id: { kind: 'uuid' },
        ...key,
        stream_version: { kind: 'int' },
        type: { kind: 'varchar(200)' },
        schema_version: { kind: 'int' },
        data: { kind: 'json' },
        metadata: { kind: 'json' },
        recorded_at: { kind: 'timestamp' },
      },
      primaryKey: ['position'],
      // MySQL: the store assigns positions in commit order, so no AUTO_INCREMENT.
      ...(dialect !== 'mysql' && { autoIncrement: 'position' }),
      uniques: [['event_id'], [...streamKey, 'stream_version']],
      indexes: [
        ...(postgres ? [logOrder] : []),
        ['tenant_id', ...logOrder],
        // A query item with types and no tags reads in log order.
        ['tenant_id', 'type', ...logOrder],
      ],
    },
    event_tags: {
      // One row per tag of an event: its place in the log (typed as the events table's), tenant and type.
      columns: {
        position: { kind: dialect === 'sqlite' ? 'int' : 'bigint' },
        ...(postgres && { transaction_id: { kind: 'bigint' } }),
        tenant_id: { kind: 'varchar(100)' },
        tag: { kind: 'varchar(200)' },
        type: { kind: 'varchar(200)' },
      },
      primaryKey: ['position', 'tag'],
      indexes: [['tenant_id', 'tag', ...logOrder]],
    },
    snapshots: {
      columns: {
        ...key,
        version: { kind: 'int' },
        schema_version: { kind: 'int' },
        state: { kind: 'json' },
        taken_at: { kind: 'timestamp' },
      },
      primaryKey: streamKey,
    },
    outbox: {
      columns: {
        id: { kind: 'bigint' },
        position: { kind: 'bigint' },
        event_id: { kind: 'uuid' },
        ...key,
        stream_version: { kind: 'int' },
        attempts: { kind: 'int', default: '0' },
        next_attempt_at: { kind: 'timestamp' },
        last_error: { kind: 'text', nullable: true },
        status: { kind: 'varchar(16)', default: 'pending' },
        claimed_by: { kind: 'varchar(100)', nullable: true },
        created_at: { kind: 'timestamp' },
      },
      primaryKey: ['id'],
      autoIncrement: 'id',
      indexes: [
        ['status', 'next_attempt_at'],
        [...streamKey, 'id'],
      ],
    },
    checkpoints: {
      columns: {
        // Per tenant; rows from before the column existed are the default tenant's.
        tenant_id: { kind: 'varchar(100)', default: 'default' },
        consumer: { kind: 'varchar(200)' },
        transaction_id: { kind: 'bigint', default: '0' },
        position: { kind: 'bigint', default: '0' },
        lease_owner: { kind: 'varchar(100)', nullable: true },
        lease_expires_at: { kind: 'timestamp', nullable: true },
        // NULL until the consumer stores a checkpoint.
        updated_at: { kind: 'timestamp', nullable: true },
      },
      primaryKey: ['tenant_id', 'consumer'],
    },
    parked: {
      // Events a consumer's failure policy set aside ('parked') or stopped at ('halted').
      columns: {
        tenant_id: { kind: 'varchar(100)' },
        consumer: { kind: 'varchar(200)' },
        position: { kind: 'bigint' },
        attempts: { kind: 'int' },
        last_error: { kind: 'text', nullable: true },
        status: { kind: 'varchar(16)' },
        parked_at: { kind: 'timestamp' },
      },
      primaryKey: ['tenant_id', 'consumer', 'position'],
    },
    data_keys: {
      // Personal data: a subject's data keys, one per version, wrapped by a master key.
      columns: {
        tenant_id: { kind: 'varchar(100)' },
        key_id: { kind: 'uuid' },
        subject: { kind: 'varchar(200)' },
        version: { kind: 'int' },
        algorithm: { kind: 'varchar(32)' },
        master_key_id: { kind: 'varchar(100)' },
        wrapped_key: { kind: 'text' },
        created_at: { kind: 'timestamp' },
      },
      primaryKey: ['tenant_id', 'key_id'],
      uniques: [['tenant_id', 'subject', 'version']],
    },
    ...(dialect === 'mysql' && {
      log_head: { columns: { id: { kind: 'int' }, position: { kind: 'bigint' } }, primaryKey: ['id'] },
    }),
  };
}

/** The column type each database reports for a kind (MariaDB: JSON is LONGTEXT). */
function columnType(dialect: Dialect, column: Column, table: TableSpec, name: string): string {
  const varchar = /^varchar\((\d+)\)$/.exec(column.kind)?.[1];
  if (dialect === 'sqlite') {
    if (name === table.autoIncrement) return 'INTEGER';
    return { int: 'INTEGER', bigint: 'BIGINT' }[column.kind as string] ?? 'TEXT';
  }
  if (varchar) return dialect === 'postgres' ? `character varying(${varchar})` : `varchar(${varchar})`;
  const types = {
    postgres: {
      int: 'integer',
      bigint: 'bigint',
      uuid: 'uuid',
      json: 'jsonb',
      timestamp: 'timestamp with time zone(3)',
      text: 'text',
    },
    mysql: {
      int: 'int(11)',
      bigint: 'bigint(20)',
      uuid: 'char(36)',
      json: 'longtext',
      timestamp: 'datetime(3)',
      text: 'text',
    },
  };
  return types[dialect][column.kind as keyof (typeof types)['mysql']];
}

function expectedShape(dialect: Dialect, table: TableSpec): TableShape {
  return {
    columns: Object.fromEntries(
      Object.entries(table.columns).map(([name, column]) => [
        name,
        {
          type: columnType(dialect, column, table, name),
          nullable: column.nullable ?? false,
          default: column.default ?? null,
        },
      ]),
    ),
    primaryKey: [...table.primaryKey],
    autoIncrement: table.autoIncrement ?? null,
    uniques: sorted(table.uniques ?? []),
    indexes: sorted(table.indexes ?? []),
  };
}

const sorted = (lists: readonly (readonly string[])[]) =>
  lists.map((list) => [...list]).sort((a, b) => a.join().localeCompare(b.join()));

/** `'pending'::character varying` / `'pending'` / `0` -> `pending` / `0`. */
const literal = (value: unknown) =>
  value === null || value === undefined
    ? null
    : String(value)
        .replace(/::[\w ]+$/, '')
        .replace(/^'(.*)'$/, '$1');

type Query = <Row>(sql: string, ...params: unknown[]) => Promise<Row[]>;

async function postgresShape(query: Query, table: string): Promise<TableShape> {
  const columns = await query<Record<string, unknown>>(
    `SELECT column_name, data_type, character_maximum_length, datetime_precision, is_nullable, column_default, is_identity
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    table,
  );
  const indexes = await query<{ columns: string; is_unique: boolean; is_primary: boolean }>(
    `SELECT array_to_string(array_agg(a.attname ORDER BY k.n), ',') AS columns, i.indisunique AS is_unique, i.indisprimary AS is_primary
     FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = $1::regclass GROUP BY i.indexrelid, i.indisunique, i.indisprimary`,
    table,
  );
  let autoIncrement: string | null = null;
  const shape: TableShape['columns'] = {};
  for (const column of columns) {
    const name = String(column.column_name);
    const serial = String(column.column_default ?? '').startsWith('nextval(') || column.is_identity === 'YES';
    if (serial) autoIncrement = name;
    const length = column.character_maximum_length ?? column.datetime_precision;
    const sized = column.data_type === 'character varying' || String(column.data_type).startsWith('timestamp');
    shape[name] = {
      type: sized ? `${column.data_type}(${length})` : String(column.data_type),
      nullable: column.is_nullable === 'YES',
      default: serial ? null : literal(column.column_default),
    };
  }
  return {
    columns: shape,
    primaryKey: indexes.find((index) => index.is_primary)?.columns.split(',') ?? [],
    autoIncrement,
    uniques: sorted(indexes.filter((i) => i.is_unique && !i.is_primary).map((i) => i.columns.split(','))),
    indexes: sorted(indexes.filter((i) => !i.is_unique).map((i) => i.columns.split(','))),
  };
}

async function mysqlShape(query: Query, table: string): Promise<TableShape> {
  const columns = await query<Record<string, unknown>>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    table,
  );
  const indexes = await query<{ name: string; columns: string; non_unique: unknown }>(
    `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns, MAX(NON_UNIQUE) AS non_unique
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? GROUP BY INDEX_NAME`,
    table,
  );
  const shape: TableShape['columns'] = {};
  for (const column of columns) {
    shape[String(column.name)] = {
      type: String(column.type),
      nullable: column.nullable === 'YES',
      // MariaDB reports no default as the string NULL.
      default: column.dflt === 'NULL' ? null : literal(column.dflt),
    };
  }
  const secondary = indexes.filter((index) => index.name !== 'PRIMARY');
  return {
    columns: shape,
    primaryKey: indexes.find((index) => index.name === 'PRIMARY')?.columns.split(',') ?? [],
    autoIncrement:
      String(columns.find((column) => String(column.extra).includes('auto_increment'))?.name ?? '') || null,
    uniques: sorted(secondary.filter((i) => Number(i.non_unique) === 0).map((i) => i.columns.split(','))),
    indexes: sorted(secondary.filter((i) => Number(i.non_unique) === 1).map((i) => i.columns.split(','))),
  };
}

async function sqliteShape(query: Query, table: string): Promise<TableShape> {
  const columns = await query<{ name: string; type: string; notnull: unknown; dflt_value: unknown; pk: unknown }>(
    'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
    table,
  );
  const [{ sql } = { sql: '' }] = await query<{ sql: string }>(
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
    table,
  );
  const indexes = await query<{ columns: string; is_unique: unknown; origin: string }>(
    `SELECT (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) AS columns,
            l."unique" AS is_unique, l.origin AS origin
     FROM pragma_index_list(?) AS l`,
    table,
  );
  const primaryKey = columns
    .filter((column) => Number(column.pk) > 0)
    .sort((a, b) => Number(a.pk) - Number(b.pk))
    .map((column) => column.name);
  const shape: TableShape['columns'] = {};
  for (const column of columns) {
    shape[column.name] = {
      type: column.type,
      nullable: Number(column.notnull) === 0,
      default: literal(column.dflt_value),
    };
  }
  const secondary = indexes.filter((index) => index.origin !== 'pk');
  return {
    columns: shape,
    primaryKey,
    autoIncrement: /AUTOINCREMENT/i.test(sql) ? (primaryKey[0] ?? null) : null,
    uniques: sorted(secondary.filter((i) => Number(i.is_unique) === 1).map((i) => i.columns.split(','))),
    indexes: sorted(secondary.filter((i) => Number(i.is_unique) === 0).map((i) => i.columns.split(','))),
  };
}

const readShape = { postgres: postgresShape, mysql: mysqlShape, sqlite: sqliteShape };

describe.each(['postgres', 'mysql', 'sqlite'] as const)('the shipped models on %s', (dialect) => {
  const target = prismaTarget(dialect);
  const client = openHostClient(dialect, 1);
  const query: Query = (sql, ...params) => client.$queryRawUnsafe(sql, ...params);

  beforeAll(() => target.setup());
  afterAll(async () => {
    await client.$disconnect();
    await target.teardown();
  });

  const tables = spec(dialect);
  it.each(Object.keys(tables))('%s matches the spec', async (name) => {
    const table =
      tableNames()[
        ({ log_head: 'logHead', event_tags: 'tags', data_keys: 'dataKeys' } as const)[name] ?? (name as 'events')
      ];
    expect(await readShape[dialect](query, table)).toEqual(expectedShape(dialect, tables[name]!));
  });

  // A Prisma model cannot set a collation: mysqlCollationMigration (core's nameColumns) must reach
  // every name column, a table added later included, or names differing in case would be one.
  if (dialect === 'mysql')
    it('every name column compares byte for byte', async () => {
      const names = Object.values(tableNames());
      const columns = await query<{ name: string; collation: string }>(
        `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) AS name, COLLATION_NAME AS collation FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND DATA_TYPE = 'varchar' AND TABLE_NAME IN (${names.map(() => '?').join()})`,
        ...names,
      );
      expect(columns.map((column) => column.name)).toContain(`${tableNames().dataKeys}.subject`);
      expect(columns.filter((column) => column.collation !== 'utf8mb4_bin')).toEqual([]);
    });
});
