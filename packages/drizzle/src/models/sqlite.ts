import { DEFAULT_TENANT } from '@es/core';
import { tableNames } from '@es/core/sql';
import { index, integer, primaryKey, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';

/** The store's tables for SQLite (drizzle-orm/sqlite-core). Times are ISO-8601 text. */
export function sqliteModels(tablePrefix?: string) {
  const names = tableNames(tablePrefix);
  return {
    streams: sqliteTable(
      names.streams,
      {
        tenantId: text('tenant_id').notNull(),
        category: text('category').notNull(),
        streamId: text('stream_id').notNull(),
        version: integer('version').notNull(),
      },
      (t) => [primaryKey({ name: `${names.streams}_pkey`, columns: [t.tenantId, t.category, t.streamId] })],
    ),
    events: sqliteTable(
      names.events,
      {
        // AUTOINCREMENT: a position is never reused, even after its stream is deleted.
        position: integer('position').primaryKey({ autoIncrement: true }),
        eventId: text('event_id').notNull(),
        tenantId: text('tenant_id').notNull(),
        category: text('category').notNull(),
        streamId: text('stream_id').notNull(),
        streamVersion: integer('stream_version').notNull(),
        type: text('type').notNull(),
        schemaVersion: integer('schema_version').notNull(),
        data: text('data').notNull(),
        metadata: text('metadata').notNull(),
        recordedAt: text('recorded_at').notNull(),
      },
      (t) => [
        unique(`${names.events}_event_id_key`).on(t.eventId),
        unique(`${names.events}_stream_version_key`).on(t.tenantId, t.category, t.streamId, t.streamVersion),
        // A consumer reads one tenant's log: without this it scans every tenant's events.
        index(`${names.events}_tenant_log_idx`).on(t.tenantId, t.position),
      ],
    ),
    snapshots: sqliteTable(
      names.snapshots,
      {
        tenantId: text('tenant_id').notNull(),
        category: text('category').notNull(),
        streamId: text('stream_id').notNull(),
        version: integer('version').notNull(),
        schemaVersion: integer('schema_version').notNull(),
        state: text('state').notNull(),
        takenAt: text('taken_at').notNull(),
      },
      (t) => [primaryKey({ name: `${names.snapshots}_pkey`, columns: [t.tenantId, t.category, t.streamId] })],
    ),
    outbox: sqliteTable(
      names.outbox,
      {
        id: integer('id').primaryKey({ autoIncrement: true }),
        position: integer('position').notNull(),
        eventId: text('event_id').notNull(),
        tenantId: text('tenant_id').notNull(),
        category: text('category').notNull(),
        streamId: text('stream_id').notNull(),
        streamVersion: integer('stream_version').notNull(),
        attempts: integer('attempts').notNull().default(0),
        nextAttemptAt: text('next_attempt_at').notNull(),
        lastError: text('last_error'),
        status: text('status').notNull().default('pending'),
        claimedBy: text('claimed_by'),
        createdAt: text('created_at').notNull(),
      },
      (t) => [
        index(`${names.outbox}_status_next_attempt_at_idx`).on(t.status, t.nextAttemptAt),
        index(`${names.outbox}_stream_idx`).on(t.tenantId, t.category, t.streamId, t.id),
      ],
    ),
    checkpoints: sqliteTable(
      names.checkpoints,
      {
        // Existing rows (before checkpoints had a tenant) belong to the default tenant's consumers.
        tenantId: text('tenant_id').notNull().default(DEFAULT_TENANT),
        consumer: text('consumer').notNull(),
        transactionId: integer('transaction_id').notNull().default(0),
        position: integer('position').notNull().default(0),
        leaseOwner: text('lease_owner'),
        leaseExpiresAt: text('lease_expires_at'),
        // NULL until a checkpoint is stored: the consumer then starts where its options say.
        updatedAt: text('updated_at'),
      },
      (t) => [primaryKey({ name: `${names.checkpoints}_pkey`, columns: [t.tenantId, t.consumer] })],
    ),
    parked: sqliteTable(
      names.parked,
      {
        tenantId: text('tenant_id').notNull(),
        consumer: text('consumer').notNull(),
        position: integer('position').notNull(),
        attempts: integer('attempts').notNull(),
        lastError: text('last_error'),
        // 'parked' (passed) or 'halted' (the consumer stands at it)
        status: text('status').notNull(),
        parkedAt: text('parked_at').notNull(),
      },
      (t) => [primaryKey({ name: `${names.parked}_pkey`, columns: [t.tenantId, t.consumer, t.position] })],
    ),
  };
}
