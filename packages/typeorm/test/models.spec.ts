// The shipped entity schemas, through TypeORM's migration generator on each dialect: the DDL has
// the keys and types the store's SQL relies on, and once applied a second generation is empty
// (the schemas introduce no drift into the host's next migration).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from '@es/testing/targets';
import { configureModels } from '@es/typeorm';
import { describe, expect, it } from '@jest/globals';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { generateMigration } from './support/index.ts';

const PREFIX = 'md_';

const connections: Record<string, DataSourceOptions> = {
  postgres: { type: 'postgres', url: testDatabases.postgres('es_typeorm') },
  mysql: { type: 'mariadb', url: testDatabases.mysql('es_typeorm') },
  sqlite: { type: 'better-sqlite3', database: join(tmpdir(), 'es-typeorm-models.sqlite'), timeout: 0 },
};

/** DDL fragments each dialect's migration must contain (TypeORM 1.x leaves room for an index method: `ON "t"  (`). */
const expected: Record<string, RegExp[]> = {
  postgres: [
    /"position" BIGSERIAL NOT NULL, "transaction_id" bigint NOT NULL, "event_id" uuid NOT NULL/,
    /"data" jsonb NOT NULL, "metadata" jsonb NOT NULL, "recorded_at" TIMESTAMP\(3\) WITH TIME ZONE NOT NULL/,
    /CONSTRAINT "md_events_stream_version_key" UNIQUE \("tenant_id", "category", "stream_id", "stream_version"\)/,
    /CREATE INDEX "md_events_transaction_id_position_idx" ON "md_events" +\("transaction_id", "position"\)/,
    /CREATE INDEX "md_events_tenant_log_idx" ON "md_events" +\("tenant_id", "transaction_id", "position"\)/,
    /"status" character varying\(16\) NOT NULL DEFAULT 'pending', "claimed_by" character varying\(100\),/,
    /CREATE INDEX "md_outbox_stream_idx" ON "md_outbox" +\("tenant_id", "category", "stream_id", "id"\)/,
    // Checkpoints per tenant; updated_at NULL until a checkpoint is stored.
    /CREATE TABLE "md_checkpoints" \("tenant_id" character varying\(100\) NOT NULL DEFAULT 'default', "consumer" character varying\(200\) NOT NULL,/,
    /"updated_at" TIMESTAMP\(3\) WITH TIME ZONE, CONSTRAINT "md_checkpoints_pkey" PRIMARY KEY \("tenant_id", "consumer"\)\)/,
    // Events a consumer set aside, one row per (tenant, consumer, position); last_error NULL when none.
    /CREATE TABLE "md_parked" \("tenant_id" character varying\(100\) NOT NULL, "consumer" character varying\(200\) NOT NULL, "position" bigint NOT NULL, "attempts" integer NOT NULL, "last_error" text, "status" character varying\(16\) NOT NULL, "parked_at" TIMESTAMP\(3\) WITH TIME ZONE NOT NULL, CONSTRAINT "md_parked_pkey" PRIMARY KEY \("tenant_id", "consumer", "position"\)\)/,
    // Tags: one row per (event, tag), the event's log place, tenant and type; B-tree indexes in log order.
    /CREATE TABLE "md_event_tags" \("position" bigint NOT NULL, "transaction_id" bigint NOT NULL, "tenant_id" character varying\(100\) NOT NULL, "tag" character varying\(200\) NOT NULL, "type" character varying\(200\) NOT NULL, CONSTRAINT "md_event_tags_pkey" PRIMARY KEY \("position", "tag"\)\)/,
    /CREATE INDEX "md_event_tags_tag_log_idx" ON "md_event_tags" +\("tenant_id", "tag", "transaction_id", "position"\)/,
    /CREATE INDEX "md_events_tenant_type_log_idx" ON "md_events" +\("tenant_id", "type", "transaction_id", "position"\)/,
    // Data keys of personal data: key (tenant, key id), one key per version of a subject.
    /CREATE TABLE "md_data_keys" \("tenant_id" character varying\(100\) NOT NULL, "key_id" uuid NOT NULL, "subject" character varying\(200\) NOT NULL, "version" integer NOT NULL, "algorithm" character varying\(32\) NOT NULL, "master_key_id" character varying\(100\) NOT NULL, "wrapped_key" text NOT NULL, "created_at" TIMESTAMP\(3\) WITH TIME ZONE NOT NULL, CONSTRAINT "md_data_keys_subject_version_key" UNIQUE \("tenant_id", "subject", "version"\), CONSTRAINT "md_data_keys_pkey" PRIMARY KEY \("tenant_id", "key_id"\)\)/,
  ],
  mysql: [
    // Not AUTO_INCREMENT: the store assigns positions in commit order.
    /`position` bigint NOT NULL, `event_id` char\(36\) NOT NULL/,
    /`data` json NOT NULL, `metadata` json NOT NULL, `recorded_at` datetime\(3\) NOT NULL/,
    /`id` bigint NOT NULL AUTO_INCREMENT/,
    /`claimed_by` varchar\(100\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NULL/,
    // Names compare byte for byte, as on PostgreSQL and SQLite (not case- and accent-folded).
    /`stream_id` varchar\(200\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL/,
    /CREATE TABLE `md_log_head` \(`id` int NOT NULL, `position` bigint NOT NULL, PRIMARY KEY \(`id`\)\)/,
    /INDEX `md_events_tenant_log_idx` \(`tenant_id`, `position`\)/,
    /CREATE TABLE `md_checkpoints` \(`tenant_id` varchar\(100\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL DEFAULT 'default', `consumer` varchar\(200\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL,/,
    /`updated_at` datetime\(3\) NULL, PRIMARY KEY \(`tenant_id`, `consumer`\)\)/,
    /CREATE TABLE `md_parked` \(`tenant_id` varchar\(100\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `consumer` varchar\(200\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `position` bigint NOT NULL, `attempts` int NOT NULL, `last_error` text NULL, `status` varchar\(16\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `parked_at` datetime\(3\) NOT NULL, PRIMARY KEY \(`tenant_id`, `consumer`, `position`\)\)/,
    /CREATE TABLE `md_event_tags` \(`position` bigint NOT NULL, `tenant_id` varchar\(100\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `tag` varchar\(200\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `type` varchar\(200\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, INDEX `md_event_tags_tag_log_idx` \(`tenant_id`, `tag`, `position`\), PRIMARY KEY \(`position`, `tag`\)\)/,
    /INDEX `md_events_tenant_type_log_idx` \(`tenant_id`, `type`, `position`\)/,
    /CREATE TABLE `md_data_keys` \(`tenant_id` varchar\(100\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `key_id` char\(36\) NOT NULL, `subject` varchar\(200\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `version` int NOT NULL, `algorithm` varchar\(32\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `master_key_id` varchar\(100\) CHARACTER SET "utf8mb4" COLLATE "utf8mb4_bin" NOT NULL, `wrapped_key` text NOT NULL, `created_at` datetime\(3\) NOT NULL, UNIQUE INDEX `md_data_keys_subject_version_key` \(`tenant_id`, `subject`, `version`\), PRIMARY KEY \(`tenant_id`, `key_id`\)\)/,
  ],
  sqlite: [
    /"position" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "event_id" text NOT NULL/,
    /"data" text NOT NULL, "metadata" text NOT NULL, "recorded_at" text NOT NULL/,
    /"id" integer PRIMARY KEY AUTOINCREMENT NOT NULL/,
    /CONSTRAINT "md_events_event_id_key" UNIQUE \("event_id"\)/,
    /CREATE INDEX "md_events_tenant_log_idx" ON "md_events" +\("tenant_id", "position"\)/,
    /CREATE TABLE "md_checkpoints" \("tenant_id" varchar\(100\) NOT NULL DEFAULT \('default'\), "consumer" varchar\(200\) NOT NULL,/,
    /"updated_at" text, PRIMARY KEY \("tenant_id", "consumer"\)\)/,
    /CREATE TABLE "md_parked" \("tenant_id" varchar\(100\) NOT NULL, "consumer" varchar\(200\) NOT NULL, "position" bigint NOT NULL, "attempts" integer NOT NULL, "last_error" text, "status" varchar\(16\) NOT NULL, "parked_at" text NOT NULL, PRIMARY KEY \("tenant_id", "consumer", "position"\)\)/,
    /CREATE TABLE "md_event_tags" \("position" integer NOT NULL, "tenant_id" varchar\(100\) NOT NULL, "tag" varchar\(200\) NOT NULL, "type" varchar\(200\) NOT NULL, PRIMARY KEY \("position", "tag"\)\)/,
    /CREATE INDEX "md_event_tags_tag_log_idx" ON "md_event_tags" +\("tenant_id", "tag", "position"\)/,
    /CREATE INDEX "md_events_tenant_type_log_idx" ON "md_events" +\("tenant_id", "type", "position"\)/,
    /CREATE TABLE "md_data_keys" \("tenant_id" varchar\(100\) NOT NULL, "key_id" text NOT NULL, "subject" varchar\(200\) NOT NULL, "version" integer NOT NULL, "algorithm" varchar\(32\) NOT NULL, "master_key_id" varchar\(100\) NOT NULL, "wrapped_key" text NOT NULL, "created_at" text NOT NULL, CONSTRAINT "md_data_keys_subject_version_key" UNIQUE \("tenant_id", "subject", "version"\), PRIMARY KEY \("tenant_id", "key_id"\)\)/,
  ],
};

describe.each(Object.keys(connections))('the entity schemas on %s', (dialect) => {
  const options = configureModels({ ...connections[dialect], entities: [] } as DataSourceOptions, {
    tablePrefix: PREFIX,
  });

  it('generate a migration with the expected tables, and no drift once it ran', async () => {
    const dataSource = await new DataSource(options).initialize();
    try {
      const runner = dataSource.createQueryRunner();
      for (const entity of dataSource.entityMetadatas) await runner.dropTable(entity.tablePath, true);
      const first = await generateMigration(options);
      const ddl = first.up.map((q) => q.query).join('\n');
      for (const fragment of expected[dialect] ?? []) expect(ddl).toMatch(fragment);
      for (const q of first.up) await runner.query(q.query, q.parameters);
      await runner.release();
      expect((await generateMigration(options)).up).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
