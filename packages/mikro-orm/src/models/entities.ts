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
import { defineEntity, type EntitySchema } from '@mikro-orm/core';
import { columns } from './columns.js';

export interface EntitiesOptions {
  /** Table-name prefix (default `es_`); the backend must use the same. */
  readonly tablePrefix?: string;
}

/** The store's tables as MikroORM entities, keyed like core's `TableNames`. */
export type EsEntities = StoreModels<EntitySchema>;

/**
 * The store's tables as decorator-free MikroORM entities (`defineEntity`) for one dialect, so the
 * host's SchemaGenerator and Migrator create them. They describe DDL only: the store never loads
 * them through `em.find` or writes them through the unit of work.
 *
 * Entity names are the table names, so two prefixes (two stores) can live in one ORM config.
 * Index and constraint names are explicit, so the host's naming strategy cannot rename them.
 */
export function esEntities(dialect: SqlDialectName, options: EntitiesOptions = {}): EsEntities {
  const names = tableNames(options.tablePrefix);
  const c = columns(dialect);
  const entity = (tableName: string) => ({ name: tableName, tableName });
  // Consumers read the log in commit order: on PostgreSQL by transaction id, then position.
  const logOrder: ('transactionId' | 'position')[] =
    dialect === 'postgres' ? ['transactionId', 'position'] : ['position'];

  const streamKey = c.streamKey();
  const primaryStreamKey = {
    tenantId: streamKey.tenantId.primary(),
    category: streamKey.category.primary(),
    streamId: streamKey.streamId.primary(),
  };

  const streams = defineEntity({
    ...entity(names.streams),
    properties: { ...primaryStreamKey, version: c.integer('version') },
  });

  const events = defineEntity({
    ...entity(names.events),
    properties: {
      // MySQL: a plain bigint, the store assigns positions under the log-head lock.
      position: dialect === 'mysql' ? c.bigint('position').primary().autoincrement(false) : c.serialKey('position'),
      // PostgreSQL: the writing transaction's id, the log's visibility horizon.
      ...(dialect === 'postgres' && { transactionId: c.bigint('transaction_id') }),
      eventId: c.uuid('event_id').unique(`${names.events}_event_id_unique`),
      ...streamKey,
      streamVersion: c.integer('stream_version'),
      type: c.varchar('type', 200),
      schemaVersion: c.integer('schema_version'),
      data: c.json('data'),
      metadata: c.json('metadata'),
      recordedAt: c.timestamp('recorded_at'),
    },
    uniques: [
      {
        name: `${names.events}_stream_version_unique`,
        properties: ['tenantId', 'category', 'streamId', 'streamVersion'],
      },
    ],
    indexes: [
      // The log in order (PostgreSQL; elsewhere the key is), and one tenant's log in order (a
      // consumer reads one tenant's events).
      ...(dialect === 'postgres'
        ? [{ name: `${names.events}_transaction_id_position_index`, properties: logOrder }]
        : []),
      { name: `${names.events}_tenant_log_index`, properties: ['tenantId', ...logOrder] },
      // A query item with types and no tags reads its events in log order.
      { name: `${names.events}_tenant_type_log_idx`, properties: ['tenantId', 'type', ...logOrder] },
    ],
  });

  const tags = defineEntity({
    ...entity(names.tags),
    properties: {
      // The event's place in the log, as the events table has it; with the tag, the key.
      position: c.logPosition('position').primary().autoincrement(false),
      ...(dialect === 'postgres' && { transactionId: c.bigint('transaction_id') }),
      tenantId: c.varchar('tenant_id', STREAM_LIMITS.tenant),
      tag: c.varchar('tag', TAG_MAX_LENGTH).primary(),
      // The event's type, copied so a query item with types and tags is answered from this table.
      type: c.varchar('type', EVENT_TYPE_MAX_LENGTH),
    },
    // A query item's tags read in log order (B-tree: no GIN or text index, which decay under load).
    indexes: [{ name: `${names.tags}_tag_log_idx`, properties: ['tenantId', 'tag', ...logOrder] }],
  });

  const snapshots = defineEntity({
    ...entity(names.snapshots),
    properties: {
      ...primaryStreamKey,
      version: c.integer('version'),
      schemaVersion: c.integer('schema_version'),
      state: c.json('state'),
      takenAt: c.timestamp('taken_at'),
    },
  });

  const outbox = defineEntity({
    ...entity(names.outbox),
    properties: {
      id: c.serialKey('id'),
      position: c.bigint('position'),
      eventId: c.uuid('event_id'),
      ...streamKey,
      streamVersion: c.integer('stream_version'),
      attempts: c.integer('attempts').default(0),
      nextAttemptAt: c.timestamp('next_attempt_at'),
      lastError: c.text('last_error').nullable(),
      status: c.varchar('status', 16).default('pending'),
      claimedBy: c.varchar('claimed_by', 100).nullable(),
      createdAt: c.timestamp('created_at'),
    },
    indexes: [
      { name: `${names.outbox}_status_next_attempt_at_index`, properties: ['status', 'nextAttemptAt'] },
      { name: `${names.outbox}_stream_index`, properties: ['tenantId', 'category', 'streamId', 'id'] },
    ],
  });

  const checkpoints = defineEntity({
    ...entity(names.checkpoints),
    properties: {
      // Existing rows (before checkpoints had a tenant) belong to the default tenant's consumers.
      tenantId: c.varchar('tenant_id', 100).primary().default(DEFAULT_TENANT),
      consumer: c.varchar('consumer', 200).primary(),
      transactionId: c.bigint('transaction_id').defaultRaw('0'),
      position: c.bigint('position').defaultRaw('0'),
      leaseOwner: c.varchar('lease_owner', 100).nullable(),
      leaseExpiresAt: c.timestamp('lease_expires_at').nullable(),
      // NULL until a checkpoint is stored: the consumer then starts where its options say.
      updatedAt: c.timestamp('updated_at').nullable(),
    },
  });

  const parked = defineEntity({
    ...entity(names.parked),
    properties: {
      tenantId: c.varchar('tenant_id', 100).primary(),
      consumer: c.varchar('consumer', 200).primary(),
      position: c.bigint('position').primary().autoincrement(false),
      attempts: c.integer('attempts'),
      lastError: c.text('last_error').nullable(),
      // 'parked' (passed) or 'halted' (the consumer stands at it)
      status: c.varchar('status', 16),
      parkedAt: c.timestamp('parked_at'),
    },
  });

  const dataKeys = defineEntity({
    ...entity(names.dataKeys),
    properties: {
      tenantId: c.varchar('tenant_id', STREAM_LIMITS.tenant).primary(),
      keyId: c.uuid('key_id').primary(),
      subject: c.varchar('subject', SUBJECT_MAX_LENGTH),
      // 1 for a subject's first key, +1 per rotation; new data is encrypted with the newest.
      version: c.integer('version'),
      algorithm: c.varchar('algorithm', KEY_ALGORITHM_MAX_LENGTH),
      // The master key that wraps this one (master keys rotate: every configured one unwraps).
      masterKeyId: c.varchar('master_key_id', MASTER_KEY_ID_MAX_LENGTH),
      // base64url(iv, ciphertext, tag): the data key wrapped by the master key.
      wrappedKey: c.text('wrapped_key'),
      createdAt: c.timestamp('created_at'),
    },
    // One key per version of a subject: two writers creating a subject's first key insert one.
    uniques: [{ name: `${names.dataKeys}_subject_version_key`, properties: ['tenantId', 'subject', 'version'] }],
  });

  const logHead =
    dialect === 'mysql'
      ? defineEntity({
          ...entity(names.logHead),
          properties: {
            id: c.integer('id').primary().autoincrement(false),
            position: c.bigint('position'),
          },
        })
      : undefined;

  return {
    streams,
    events,
    snapshots,
    outbox,
    checkpoints,
    parked,
    tags,
    dataKeys,
    ...(logHead && { logHead }),
  } as EsEntities;
}
