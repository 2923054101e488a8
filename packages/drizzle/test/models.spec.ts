// The shipped models through drizzle-kit's migration generator on each dialect: the DDL of the tags
// table, the events' indexes and the data keys table has the keys, index columns and name columns
// the store's SQL relies on (the conformance runs create every table from this same SQL and use them).
import { configureModels, type DrizzleDialect } from '@es/drizzle';
import { describe, expect, it } from '@jest/globals';
import { generateMigrationSql } from './support/migrations.ts';

/** DDL fragments each dialect's first migration must contain. */
const expected: Record<DrizzleDialect, RegExp[]> = {
  postgresql: [
    /CREATE TABLE "md_event_tags" \(\s*"position" bigint NOT NULL,\s*"transaction_id" bigint NOT NULL,\s*"tenant_id" varchar\(100\) NOT NULL,\s*"tag" varchar\(200\) NOT NULL,\s*"type" varchar\(200\) NOT NULL,\s*CONSTRAINT "md_event_tags_pkey" PRIMARY KEY\("position","tag"\)\s*\);/,
    /CREATE INDEX "md_event_tags_tag_log_idx" ON "md_event_tags" USING btree \("tenant_id","tag","transaction_id","position"\);/,
    /CREATE INDEX "md_events_tenant_type_log_idx" ON "md_events" USING btree \("tenant_id","type","transaction_id","position"\);/,
    /CREATE TABLE "md_data_keys" \(\s*"tenant_id" varchar\(100\) NOT NULL,\s*"key_id" uuid NOT NULL,\s*"subject" varchar\(200\) NOT NULL,\s*"version" integer NOT NULL,\s*"algorithm" varchar\(32\) NOT NULL,\s*"master_key_id" varchar\(100\) NOT NULL,\s*"wrapped_key" text NOT NULL,\s*"created_at" timestamp\(3\) with time zone NOT NULL,\s*CONSTRAINT "md_data_keys_pkey" PRIMARY KEY\("tenant_id","key_id"\),\s*CONSTRAINT "md_data_keys_subject_version_key" UNIQUE\("tenant_id","subject","version"\)\s*\);/,
  ],
  mysql: [
    /CREATE TABLE `md_event_tags` \(\s*`position` bigint NOT NULL,\s*`tenant_id` varchar\(100\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`tag` varchar\(200\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`type` varchar\(200\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*CONSTRAINT `md_event_tags_pkey` PRIMARY KEY\(`position`,`tag`\)\s*\);/,
    /CREATE INDEX `md_event_tags_tag_log_idx` ON `md_event_tags` \(`tenant_id`,`tag`,`position`\);/,
    /CREATE INDEX `md_events_tenant_type_log_idx` ON `md_events` \(`tenant_id`,`type`,`position`\);/,
    // The name columns compare byte for byte (core's nameColumns lists them); the key id as the events' event_id.
    /CREATE TABLE `md_data_keys` \(\s*`tenant_id` varchar\(100\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`key_id` char\(36\) NOT NULL,\s*`subject` varchar\(200\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`version` int NOT NULL,\s*`algorithm` varchar\(32\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`master_key_id` varchar\(100\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`wrapped_key` text NOT NULL,\s*`created_at` datetime\(3\) NOT NULL,\s*CONSTRAINT `md_data_keys_pkey` PRIMARY KEY\(`tenant_id`,`key_id`\),\s*CONSTRAINT `md_data_keys_subject_version_key` UNIQUE\(`tenant_id`,`subject`,`version`\)\s*\);/,
  ],
  sqlite: [
    // `integer`, as the events table's position (the rowid there).
    /CREATE TABLE `md_event_tags` \(\s*`position` integer NOT NULL,\s*`tenant_id` text NOT NULL,\s*`tag` text NOT NULL,\s*`type` text NOT NULL,\s*PRIMARY KEY\(`position`, `tag`\)\s*\);/,
    /CREATE INDEX `md_event_tags_tag_log_idx` ON `md_event_tags` \(`tenant_id`,`tag`,`position`\);/,
    /CREATE INDEX `md_events_tenant_type_log_idx` ON `md_events` \(`tenant_id`,`type`,`position`\);/,
    /CREATE TABLE `md_data_keys` \(\s*`tenant_id` text NOT NULL,\s*`key_id` text NOT NULL,\s*`subject` text NOT NULL,\s*`version` integer NOT NULL,\s*`algorithm` text NOT NULL,\s*`master_key_id` text NOT NULL,\s*`wrapped_key` text NOT NULL,\s*`created_at` text NOT NULL,\s*PRIMARY KEY\(`tenant_id`, `key_id`\)\s*\);/,
    /CREATE UNIQUE INDEX `md_data_keys_subject_version_key` ON `md_data_keys` \(`tenant_id`,`subject`,`version`\);/,
  ],
};

describe.each(Object.keys(expected) as DrizzleDialect[])('the models on %s', (dialect) => {
  it("give drizzle-kit's generator the tags table, the events' type index and the data keys table", async () => {
    const schema = configureModels(dialect as 'postgresql', { tablePrefix: 'md_' });
    const ddl = (await generateMigrationSql(dialect, schema)).join('\n');
    for (const fragment of expected[dialect]) expect(ddl).toMatch(fragment);
  });
});
