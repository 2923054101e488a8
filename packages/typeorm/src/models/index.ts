import {
  DEFAULT_TENANT,
  EVENT_TYPE_MAX_LENGTH,
  KEY_ALGORITHM_MAX_LENGTH,
  MASTER_KEY_ID_MAX_LENGTH,
  STREAM_LIMITS,
  SUBJECT_MAX_LENGTH,
  TAG_MAX_LENGTH,
} from '@es/core';
import { type SqlDialectName, type StoreModels, tableNames } from '@es/core/sql';
import { EntitySchema } from 'typeorm';
import { columnTypes } from './columns.js';

export interface ModelOptions {
  /** Table-name prefix (default `es_`); the backend must be given the same. */
  readonly tablePrefix?: string;
}

/** The store's tables as TypeORM entity schemas. */
export type EsModels = StoreModels<EntitySchema>;

/**
 * The store's tables for one dialect as `EntitySchema`s: no decorators, no reflect-metadata.
 * Property names are the column names; the store reads and writes these tables with its own SQL,
 * so the schemas exist for TypeORM's migration generator. Key, unique and index names are
 * explicit and carry the prefix, so two stores (two prefixes) can share one database.
 */
export function createModels(dialect: SqlDialectName, options: ModelOptions = {}): EsModels {
  const names = tableNames(options.tablePrefix);
  const c = columnTypes(dialect);
  const primary = (table: string) => ({ primary: true, primaryKeyConstraintName: `${table}_pkey` });
  const streamKey = (table: string) => ({
    tenant_id: c.varchar(100, primary(table)),
    category: c.varchar(100, primary(table)),
    stream_id: c.varchar(200, primary(table)),
  });
  const streamColumns = {
    tenant_id: c.varchar(100),
    category: c.varchar(100),
    stream_id: c.varchar(200),
    stream_version: c.integer(),
  };
  const table = (name: string, definition: Omit<ConstructorParameters<typeof EntitySchema>[0], 'name'>) =>
    new EntitySchema({ name, tableName: name, ...definition });
  // Consumers read the log in commit order: on PostgreSQL by transaction id, then position.
  const logOrder = dialect === 'postgres' ? ['transaction_id', 'position'] : ['position'];

  const models: EsModels = {
    streams: table(names.streams, {
      columns: { ...streamKey(names.streams), version: c.integer() },
    }),
    events: table(names.events, {
      columns: {
        // MySQL: a plain key; the store assigns positions in commit order (see logHead).
        position: dialect === 'mysql' ? c.bigint(primary(names.events)) : c.serialKey(`${names.events}_pkey`),
        ...(dialect === 'postgres' && { transaction_id: c.bigint() }),
        event_id: c.uuid(),
        ...streamColumns,
        type: c.varchar(200),
        schema_version: c.integer(),
        data: c.json(),
        metadata: c.json(),
        recorded_at: c.timestamp(),
      },
      uniques: [
        { name: `${names.events}_event_id_key`, columns: ['event_id'] },
        {
          name: `${names.events}_stream_version_key`,
          columns: ['tenant_id', 'category', 'stream_id', 'stream_version'],
        },
      ],
      indices: [
        // The log in order (PostgreSQL; elsewhere the key is), and one tenant's log in order (a
        // consumer reads one tenant's events).
        ...(dialect === 'postgres' ? [{ name: `${names.events}_transaction_id_position_idx`, columns: logOrder }] : []),
        { name: `${names.events}_tenant_log_idx`, columns: ['tenant_id', ...logOrder] },
        // A query item with types and no tags reads its events in log order.
        { name: `${names.events}_tenant_type_log_idx`, columns: ['tenant_id', 'type', ...logOrder] },
      ],
    }),
    tags: table(names.tags, {
      columns: {
        // The event's place in the log, as the events table has it; with the tag, the key.
        position: c.logPosition(primary(names.tags)),
        ...(dialect === 'postgres' && { transaction_id: c.bigint() }),
        tenant_id: c.varchar(STREAM_LIMITS.tenant),
        tag: c.varchar(TAG_MAX_LENGTH, primary(names.tags)),
        // The event's type, copied so a query item with types and tags is answered from this table.
        type: c.varchar(EVENT_TYPE_MAX_LENGTH),
      },
      // A query item's tags read in log order (B-tree: no GIN or text index, which decay under load).
      indices: [{ name: `${names.tags}_tag_log_idx`, columns: ['tenant_id', 'tag', ...logOrder] }],
    }),
    snapshots: table(names.snapshots, {
      columns: {
        ...streamKey(names.snapshots),
        version: c.integer(),
        schema_version: c.integer(),
        state: c.json(),
        taken_at: c.timestamp(),
      },
    }),
    outbox: table(names.outbox, {
      columns: {
        id: c.serialKey(`${names.outbox}_pkey`),
        position: c.bigint(),
        event_id: c.uuid(),
        ...streamColumns,
        attempts: c.integer({ default: 0 }),
        next_attempt_at: c.timestamp(),
        last_error: c.text({ nullable: true }),
        status: c.varchar(16, { default: 'pending' }),
        claimed_by: c.varchar(100, { nullable: true }),
        created_at: c.timestamp(),
      },
      indices: [
        { name: `${names.outbox}_status_next_attempt_at_idx`, columns: ['status', 'next_attempt_at'] },
        { name: `${names.outbox}_stream_idx`, columns: ['tenant_id', 'category', 'stream_id', 'id'] },
      ],
    }),
    checkpoints: table(names.checkpoints, {
      columns: {
        // Existing rows (before checkpoints had a tenant) belong to the default tenant's consumers.
        tenant_id: c.varchar(100, { ...primary(names.checkpoints), default: DEFAULT_TENANT }),
        consumer: c.varchar(200, primary(names.checkpoints)),
        transaction_id: c.bigint({ default: 0 }),
        position: c.bigint({ default: 0 }),
        lease_owner: c.varchar(100, { nullable: true }),
        lease_expires_at: c.timestamp({ nullable: true }),
        // NULL until a checkpoint is stored: the consumer then starts where its options say.
        updated_at: c.timestamp({ nullable: true }),
      },
    }),
    parked: table(names.parked, {
      columns: {
        tenant_id: c.varchar(100, primary(names.parked)),
        consumer: c.varchar(200, primary(names.parked)),
        position: c.bigint(primary(names.parked)),
        attempts: c.integer(),
        last_error: c.text({ nullable: true }),
        // 'parked' (passed) or 'halted' (the consumer stands at it)
        status: c.varchar(16),
        parked_at: c.timestamp(),
      },
    }),
    dataKeys: table(names.dataKeys, {
      columns: {
        tenant_id: c.varchar(STREAM_LIMITS.tenant, primary(names.dataKeys)),
        key_id: c.uuid(primary(names.dataKeys)),
        subject: c.varchar(SUBJECT_MAX_LENGTH),
        // 1 for a subject's first key, +1 per rotation; new data is encrypted with the newest.
        version: c.integer(),
        algorithm: c.varchar(KEY_ALGORITHM_MAX_LENGTH),
        // The master key that wraps this one (master keys rotate: every configured one unwraps).
        master_key_id: c.varchar(MASTER_KEY_ID_MAX_LENGTH),
        // base64url(iv, ciphertext, tag): the data key wrapped by the master key.
        wrapped_key: c.text(),
        created_at: c.timestamp(),
      },
      // One key per version of a subject: two writers creating a subject's first key insert one.
      uniques: [{ name: `${names.dataKeys}_subject_version_key`, columns: ['tenant_id', 'subject', 'version'] }],
    }),
  };
  if (dialect !== 'mysql') return models;
  return {
    ...models,
    logHead: table(names.logHead, {
      columns: { id: c.integer(primary(names.logHead)), position: c.bigint() },
    }),
  };
}

/** The schemas as a list, in creation order, for a DataSource's `entities`. */
export function modelList(models: EsModels): EntitySchema[] {
  return Object.values(models).filter((model): model is EntitySchema => model !== undefined);
}
