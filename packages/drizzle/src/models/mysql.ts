import { DEFAULT_TENANT } from '@es/core';
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
  mysqlTable,
  primaryKey,
  text,
  unique,
} from 'drizzle-orm/mysql-core';

const time = (name: string) => datetime(name, { fsp: 3, mode: 'string' });

/**
 * A name column compared byte for byte, as on the other dialects (see MYSQL_NAME_COLLATION).
 * drizzle-orm's `varchar` takes no collation; drizzle-kit writes a custom type's SQL as it is.
 */
const varchar = (name: string, { length }: { length: number }) =>
  customType<{ data: string; driverData: string }>({
    dataType: () => `varchar(${length}) CHARACTER SET ${MYSQL_NAME_CHARSET} COLLATE ${MYSQL_NAME_COLLATION}`,
  })(name);

/** The store's tables for MySQL and MariaDB (drizzle-orm/mysql-core). */
export function mysqlModels(tablePrefix?: string) {
  const names = tableNames(tablePrefix);
  return {
    streams: mysqlTable(
      names.streams,
      {
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        version: int('version').notNull(),
      },
      (t) => [primaryKey({ name: `${names.streams}_pkey`, columns: [t.tenantId, t.category, t.streamId] })],
    ),
    events: mysqlTable(
      names.events,
      {
        // Not auto-increment: positions are allocated under the log_head row lock (see core).
        position: bigint('position', { mode: 'bigint' }).primaryKey(),
        eventId: char('event_id', { length: 36 }).notNull(),
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        streamVersion: int('stream_version').notNull(),
        type: varchar('type', { length: 200 }).notNull(),
        schemaVersion: int('schema_version').notNull(),
        data: json('data').notNull(),
        metadata: json('metadata').notNull(),
        recordedAt: time('recorded_at').notNull(),
      },
      (t) => [
        unique(`${names.events}_event_id_key`).on(t.eventId),
        unique(`${names.events}_stream_version_key`).on(t.tenantId, t.category, t.streamId, t.streamVersion),
        // A consumer reads one tenant's log: without this it scans every tenant's events.
        index(`${names.events}_tenant_log_idx`).on(t.tenantId, t.position),
      ],
    ),
    snapshots: mysqlTable(
      names.snapshots,
      {
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        version: int('version').notNull(),
        schemaVersion: int('schema_version').notNull(),
        state: json('state').notNull(),
        takenAt: time('taken_at').notNull(),
      },
      (t) => [primaryKey({ name: `${names.snapshots}_pkey`, columns: [t.tenantId, t.category, t.streamId] })],
    ),
    outbox: mysqlTable(
      names.outbox,
      {
        id: bigint('id', { mode: 'bigint' }).primaryKey().autoincrement(),
        position: bigint('position', { mode: 'bigint' }).notNull(),
        eventId: char('event_id', { length: 36 }).notNull(),
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        category: varchar('category', { length: 100 }).notNull(),
        streamId: varchar('stream_id', { length: 200 }).notNull(),
        streamVersion: int('stream_version').notNull(),
        attempts: int('attempts').notNull().default(0),
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
    checkpoints: mysqlTable(
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
    parked: mysqlTable(
      names.parked,
      {
        tenantId: varchar('tenant_id', { length: 100 }).notNull(),
        consumer: varchar('consumer', { length: 200 }).notNull(),
        position: bigint('position', { mode: 'bigint' }).notNull(),
        attempts: int('attempts').notNull(),
        lastError: text('last_error'),
        // 'parked' (passed) or 'halted' (the consumer stands at it)
        status: varchar('status', { length: 16 }).notNull(),
        parkedAt: time('parked_at').notNull(),
      },
      (t) => [primaryKey({ name: `${names.parked}_pkey`, columns: [t.tenantId, t.consumer, t.position] })],
    ),
    logHead: mysqlTable(names.logHead, {
      id: int('id').primaryKey(),
      position: bigint('position', { mode: 'bigint' }).notNull(),
    }),
  };
}
