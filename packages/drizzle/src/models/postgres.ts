import { DEFAULT_TENANT } from '@es/core';
import { tableNames } from '@es/core/sql';
import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

const time = (name: string) => timestamp(name, { precision: 3, withTimezone: true, mode: 'string' });

/** The store's tables for PostgreSQL (drizzle-orm/pg-core). */
export function pgModels(tablePrefix?: string) {
  const names = tableNames(tablePrefix);
  return {
    streams: pgTable(
      names.streams,
      {
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        version: integer('version').notNull(),
      },
      (t) => [primaryKey({ name: `${names.streams}_pkey`, columns: [t.tenantId, t.category, t.streamId] })],
    ),
    events: pgTable(
      names.events,
      {
        position: bigint('position', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
        transactionId: bigint('transaction_id', { mode: 'bigint' }).notNull(),
        eventId: uuid('event_id').notNull(),
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        streamVersion: integer('stream_version').notNull(),
        type: varchar('type', { length: 200 }).notNull(),
        schemaVersion: integer('schema_version').notNull(),
        data: jsonb('data').notNull(),
        metadata: jsonb('metadata').notNull(),
        recordedAt: time('recorded_at').notNull(),
      },
      (t) => [
        unique(`${names.events}_event_id_key`).on(t.eventId),
        unique(`${names.events}_stream_version_key`).on(t.tenantId, t.category, t.streamId, t.streamVersion),
        index(`${names.events}_transaction_id_position_idx`).on(t.transactionId, t.position),
        // A consumer reads one tenant's log: without this it scans every tenant's events.
        index(`${names.events}_tenant_log_idx`).on(t.tenantId, t.transactionId, t.position),
      ],
    ),
    snapshots: pgTable(
      names.snapshots,
      {
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        version: integer('version').notNull(),
        schemaVersion: integer('schema_version').notNull(),
        state: jsonb('state').notNull(),
        takenAt: time('taken_at').notNull(),
      },
      (t) => [primaryKey({ name: `${names.snapshots}_pkey`, columns: [t.tenantId, t.category, t.streamId] })],
    ),
    outbox: pgTable(
      names.outbox,
      {
        id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
        position: bigint('position', { mode: 'bigint' }).notNull(),
        eventId: uuid('event_id').notNull(),
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        streamVersion: integer('stream_version').notNull(),
        attempts: integer('attempts').notNull().default(0),
        nextAttemptAt: time('next_attempt_at').notNull(),
        lastError: text('last_error'),
        status: varchar('status', { length: 16 }).notNull().default('pending'),
        claimedBy: varchar('claimed_by', { length: 100 }),
        createdAt: time('created_at').notNull(),
      },
      (t) => [
        index(`${names.outbox}_status_next_attempt_at_idx`).on(t.status, t.nextAttemptAt),
        index(`${names.outbox}_stream_idx`).on(t.tenantId, t.category, t.streamId, t.id),
      ],
    ),
    checkpoints: pgTable(
      names.checkpoints,
      {
        // Existing rows (before checkpoints had a tenant) belong to the default tenant's consumers.
        tenantId: varchar('tenant_id', { length: 100 }).notNull().default(DEFAULT_TENANT),
        consumer: varchar('consumer', { length: 200 }).notNull(),
        transactionId: bigint('transaction_id', { mode: 'bigint' }).notNull().default(sql`0`),
        position: bigint('position', { mode: 'bigint' }).notNull().default(sql`0`),
        leaseOwner: varchar('lease_owner', { length: 100 }),
        leaseExpiresAt: time('lease_expires_at'),
        // NULL until a checkpoint is stored: the consumer then starts where its options say.
        updatedAt: time('updated_at'),
      },
      (t) => [primaryKey({ name: `${names.checkpoints}_pkey`, columns: [t.tenantId, t.consumer] })],
    ),
    parked: pgTable(
      names.parked,
      {
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        consumer: varchar('consumer', { length: 200 }).notNull(),
        position: bigint('position', { mode: 'bigint' }).notNull(),
        attempts: integer('attempts').notNull(),
        lastError: text('last_error'),
        // 'parked' (passed) or 'halted' (the consumer stands at it)
        status: varchar('status', { length: 16 }).notNull(),
        parkedAt: time('parked_at').notNull(),
      },
      (t) => [primaryKey({ name: `${names.parked}_pkey`, columns: [t.tenantId, t.consumer, t.position] })],
    ),
  };
}
