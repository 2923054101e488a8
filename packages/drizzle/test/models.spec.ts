// The shipped models through drizzle-kit's migration generator on each dialect: the DDL of the tags
// table and the events' indexes has the keys and index columns the store's SQL relies on (the
// conformance runs create every table from this same SQL and use them).
import { configureModels, type DrizzleDialect } from '@es/drizzle';
import { describe, expect, it } from '@jest/globals';
import { generateMigrationSql } from './support/migrations.ts';

/** DDL fragments each dialect's first migration must contain. */
const expected: Record<DrizzleDialect, RegExp[]> = {
  postgresql: [
    /CREATE TABLE "md_event_tags" \(\s*"position" bigint NOT NULL,\s*"transaction_id" bigint NOT NULL,\s*"tenant_id" varchar\(100\) NOT NULL,\s*"tag" varchar\(200\) NOT NULL,\s*"type" varchar\(200\) NOT NULL,\s*CONSTRAINT "md_event_tags_pkey" PRIMARY KEY\("position","tag"\)\s*\);/,
    /CREATE INDEX "md_event_tags_tag_log_idx" ON "md_event_tags" USING btree \("tenant_id","tag","transaction_id","position"\);/,
    /CREATE INDEX "md_events_tenant_type_log_idx" ON "md_events" USING btree \("tenant_id","type","transaction_id","position"\);/,
  ],
  mysql: [
    /CREATE TABLE `md_event_tags` \(\s*`position` bigint NOT NULL,\s*`tenant_id` varchar\(100\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`tag` varchar\(200\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*`type` varchar\(200\) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,\s*CONSTRAINT `md_event_tags_pkey` PRIMARY KEY\(`position`,`tag`\)\s*\);/,
    /CREATE INDEX `md_event_tags_tag_log_idx` ON `md_event_tags` \(`tenant_id`,`tag`,`position`\);/,
    /CREATE INDEX `md_events_tenant_type_log_idx` ON `md_events` \(`tenant_id`,`type`,`position`\);/,
  ],
  sqlite: [
    // `integer`, as the events table's position (the rowid there).
    /CREATE TABLE `md_event_tags` \(\s*`position` integer NOT NULL,\s*`tenant_id` text NOT NULL,\s*`tag` text NOT NULL,\s*`type` text NOT NULL,\s*PRIMARY KEY\(`position`, `tag`\)\s*\);/,
    /CREATE INDEX `md_event_tags_tag_log_idx` ON `md_event_tags` \(`tenant_id`,`tag`,`position`\);/,
    /CREATE INDEX `md_events_tenant_type_log_idx` ON `md_events` \(`tenant_id`,`type`,`position`\);/,
  ],
};

describe.each(Object.keys(expected) as DrizzleDialect[])('the models on %s', (dialect) => {
  it("give drizzle-kit's generator the tags table and the events' type index", async () => {
    const schema = configureModels(dialect as 'postgresql', { tablePrefix: 'md_' });
    const ddl = (await generateMigrationSql(dialect, schema)).join('\n');
    for (const fragment of expected[dialect]) expect(ddl).toMatch(fragment);
  });
});
