import {
  CONSUMER_NAME_MAX_LENGTH,
  DEFAULT_TENANT,
  EVENT_TYPE_MAX_LENGTH,
  KEY_ALGORITHM_MAX_LENGTH,
  MASTER_KEY_ID_MAX_LENGTH,
  OWNER_MAX_LENGTH,
  STREAM_LIMITS,
  SUBJECT_MAX_LENGTH,
  TAG_MAX_LENGTH,
} from '@es/core';
import type { TableNames } from '@es/core/sql';
import type { ColumnBuilderBase } from 'drizzle-orm';
import {
  type ColumnBuilder,
  type ColumnKit,
  type Constraint,
  type DialectTables,
  notNullDefault,
  type TableKit,
} from './kit.js';

/**
 * Where an event stands in the log, which the dialects keep differently: the events table's
 * first columns, and the columns consumers read the log in order of.
 */
export interface EventLog<
  Columns extends Record<string, ColumnBuilderBase>,
  Place extends { [K in keyof Columns]: ColumnBuilderBase },
> {
  readonly columns: Columns;
  /**
   * The same columns as plain NOT NULL values (no key, no identity), for a table whose rows point
   * at an event's place in the log: the tags.
   */
  readonly place: Place;
  readonly order: readonly (keyof Columns & string)[];
  /** Indexes the dialect needs on these columns (named by suffix), before the tenant's log index. */
  readonly indexes?: Readonly<Record<string, readonly (keyof Columns & string)[]>>;
}

/**
 * The store's tables, written once for every dialect: their columns (names, kinds, NOT NULL and
 * defaults), keys, unique constraints and indexes, with the names core's statements rely on.
 */
export function storeTables<
  Dialect extends keyof DialectTables<never>,
  Builder extends ColumnBuilderBase,
  Name extends ColumnBuilder & Builder,
  Int extends ColumnBuilder & Builder,
  Position extends ColumnBuilder & Builder,
  Json extends ColumnBuilder & Builder,
  Time extends ColumnBuilder & Builder,
  Text extends ColumnBuilder & Builder,
  Uuid extends ColumnBuilder & Builder,
  Serial extends Builder,
  Log extends Record<'position', Builder> & Record<string, Builder>,
  LogPlace extends { [K in keyof Log]: Builder },
>(
  names: TableNames,
  { table }: TableKit<Dialect, Builder>,
  c: ColumnKit<Name, Int, Position, Json, Time, Text, Uuid, Serial>,
  log: EventLog<Log, LogPlace>,
) {
  const primaryKey = <const Column extends string>(name: string, ...columns: Column[]): Constraint<Column> => ({
    name: `${name}_pkey`,
    columns,
  });
  const named = <const Column extends string>(name: string, bySuffix: Readonly<Record<string, readonly Column[]>>) =>
    Object.entries(bySuffix).map(([suffix, columns]): Constraint<Column> => ({ name: `${name}_${suffix}`, columns }));
  const stream = () => ({
    tenantId: c.name('tenant_id', STREAM_LIMITS.tenant).notNull(),
    category: c.name('category', STREAM_LIMITS.category).notNull(),
    streamId: c.name('stream_id', STREAM_LIMITS.id).notNull(),
  });
  /** An event's id and its place in its stream (the events and the outbox rows). */
  const eventInStream = () => ({
    eventId: c.uuid('event_id').notNull(),
    ...stream(),
    streamVersion: c.int('stream_version').notNull(),
  });

  return {
    streams: table({
      name: names.streams,
      columns: { ...stream(), version: c.int('version').notNull() },
      primaryKey: primaryKey(names.streams, 'tenantId', 'category', 'streamId'),
    }),
    events: table({
      name: names.events,
      columns: {
        ...log.columns,
        ...eventInStream(),
        type: c.name('type', EVENT_TYPE_MAX_LENGTH).notNull(),
        schemaVersion: c.int('schema_version').notNull(),
        data: c.json('data').notNull(),
        metadata: c.json('metadata').notNull(),
        recordedAt: c.time('recorded_at').notNull(),
      },
      uniques: named(names.events, {
        event_id_key: ['eventId'],
        stream_version_key: ['tenantId', 'category', 'streamId', 'streamVersion'],
      }),
      indexes: named(names.events, {
        ...log.indexes,
        // A consumer reads one tenant's log: without this it scans every tenant's events.
        tenant_log_idx: ['tenantId', ...log.order],
        // A query item with types and no tags reads its events in log order.
        tenant_type_log_idx: ['tenantId', 'type', ...log.order],
      }),
    }),
    tags: table({
      name: names.tags,
      columns: {
        ...log.place,
        tenantId: c.name('tenant_id', STREAM_LIMITS.tenant).notNull(),
        tag: c.name('tag', TAG_MAX_LENGTH).notNull(),
        // The event's type, copied so a query item with types and tags is answered from this table.
        type: c.name('type', EVENT_TYPE_MAX_LENGTH).notNull(),
      },
      primaryKey: primaryKey(names.tags, 'position', 'tag'),
      // A query item's tags read in log order (B-tree: no GIN or text index, which decay under load).
      indexes: named(names.tags, { tag_log_idx: ['tenantId', 'tag', ...log.order] }),
    }),
    snapshots: table({
      name: names.snapshots,
      columns: {
        ...stream(),
        version: c.int('version').notNull(),
        schemaVersion: c.int('schema_version').notNull(),
        state: c.json('state').notNull(),
        takenAt: c.time('taken_at').notNull(),
      },
      primaryKey: primaryKey(names.snapshots, 'tenantId', 'category', 'streamId'),
    }),
    outbox: table({
      name: names.outbox,
      columns: {
        id: c.serial('id'),
        position: c.position('position').notNull(),
        ...eventInStream(),
        attempts: notNullDefault(c.int('attempts'), 0),
        nextAttemptAt: c.time('next_attempt_at').notNull(),
        lastError: c.text('last_error'),
        status: notNullDefault(c.name('status', 16), 'pending'),
        claimedBy: c.name('claimed_by', OWNER_MAX_LENGTH),
        createdAt: c.time('created_at').notNull(),
      },
      indexes: named(names.outbox, {
        status_next_attempt_at_idx: ['status', 'nextAttemptAt'],
        stream_idx: ['tenantId', 'category', 'streamId', 'id'],
      }),
    }),
    checkpoints: table({
      name: names.checkpoints,
      columns: {
        // Existing rows (before checkpoints had a tenant) belong to the default tenant's consumers.
        tenantId: notNullDefault(c.name('tenant_id', STREAM_LIMITS.tenant), DEFAULT_TENANT),
        consumer: c.name('consumer', CONSUMER_NAME_MAX_LENGTH).notNull(),
        transactionId: notNullDefault(c.position('transaction_id'), c.positionZero),
        position: notNullDefault(c.position('position'), c.positionZero),
        leaseOwner: c.name('lease_owner', OWNER_MAX_LENGTH),
        leaseExpiresAt: c.time('lease_expires_at'),
        // NULL until a checkpoint is stored: the consumer then starts where its options say.
        updatedAt: c.time('updated_at'),
      },
      primaryKey: primaryKey(names.checkpoints, 'tenantId', 'consumer'),
    }),
    parked: table({
      name: names.parked,
      columns: {
        tenantId: c.name('tenant_id', STREAM_LIMITS.tenant).notNull(),
        consumer: c.name('consumer', CONSUMER_NAME_MAX_LENGTH).notNull(),
        position: c.position('position').notNull(),
        attempts: c.int('attempts').notNull(),
        lastError: c.text('last_error'),
        // 'parked' (passed) or 'halted' (the consumer stands at it)
        status: c.name('status', 16).notNull(),
        parkedAt: c.time('parked_at').notNull(),
      },
      primaryKey: primaryKey(names.parked, 'tenantId', 'consumer', 'position'),
    }),
    dataKeys: table({
      name: names.dataKeys,
      columns: {
        tenantId: c.name('tenant_id', STREAM_LIMITS.tenant).notNull(),
        keyId: c.uuid('key_id').notNull(),
        subject: c.name('subject', SUBJECT_MAX_LENGTH).notNull(),
        // 1 for a subject's first key, +1 per rotation; new data is encrypted with the newest.
        version: c.int('version').notNull(),
        algorithm: c.name('algorithm', KEY_ALGORITHM_MAX_LENGTH).notNull(),
        // The master key that wraps this one (master keys rotate: every configured one unwraps).
        masterKeyId: c.name('master_key_id', MASTER_KEY_ID_MAX_LENGTH).notNull(),
        // base64url(iv, ciphertext, tag): the data key wrapped by the master key.
        wrappedKey: c.text('wrapped_key').notNull(),
        createdAt: c.time('created_at').notNull(),
      },
      primaryKey: primaryKey(names.dataKeys, 'tenantId', 'keyId'),
      // One key per version of a subject: two writers creating a subject's first key insert one.
      uniques: named(names.dataKeys, { subject_version_key: ['tenantId', 'subject', 'version'] }),
    }),
  };
}
