// The shipped entities through MikroORM's SchemaGenerator on each dialect: the DDL of the tags
// table, the events' indexes and the data keys table has the keys, index columns and name columns
// the store's SQL relies on (the conformance runs create every table this way and use them).
import type { SqlDialectName } from '@es/core/sql';
import { describe, expect, it } from '@jest/globals';
import { MikroORM, type Options } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { configureModels } from '../src/index.js';

/** No connection: the SchemaGenerator renders the create statements from the metadata alone. */
const drivers: Record<SqlDialectName, Partial<Options>> = {
  postgres: { driver: PostgreSqlDriver, dbName: 'unused' },
  mysql: { driver: MariaDbDriver, dbName: 'unused' },
  sqlite: { driver: SqliteDriver, dbName: ':memory:' },
};

/** DDL fragments each dialect's create statements must contain. */
const expected: Record<SqlDialectName, RegExp[]> = {
  postgres: [
    /create table "md_event_tags" \("position" bigint not null, "tag" varchar\(200\) not null, "transaction_id" bigint not null, "tenant_id" varchar\(100\) not null, "type" varchar\(200\) not null, primary key \("position", "tag"\)\);/,
    /create index "md_event_tags_tag_log_idx" on "md_event_tags" \("tenant_id", "tag", "transaction_id", "position"\);/,
    /create index "md_events_tenant_type_log_idx" on "md_events" \("tenant_id", "type", "transaction_id", "position"\);/,
    // PostgreSQL names the key <table>_pkey.
    /create table "md_data_keys" \("tenant_id" varchar\(100\) not null, "key_id" uuid not null, "subject" varchar\(200\) not null, "version" int not null, "algorithm" varchar\(32\) not null, "master_key_id" varchar\(100\) not null, "wrapped_key" text not null, "created_at" timestamptz\(3\) not null, primary key \("tenant_id", "key_id"\)\);/,
    /alter table "md_data_keys" add constraint "md_data_keys_subject_version_key" unique \("tenant_id", "subject", "version"\);/,
  ],
  mysql: [
    /create table `md_event_tags` \(`position` bigint not null, `tag` varchar\(200\) collate utf8mb4_bin not null, `tenant_id` varchar\(100\) collate utf8mb4_bin not null, `type` varchar\(200\) collate utf8mb4_bin not null, primary key \(`position`, `tag`\)\)/,
    /alter table `md_event_tags` add index `md_event_tags_tag_log_idx` \(`tenant_id`, `tag`, `position`\);/,
    /alter table `md_events` add index `md_events_tenant_type_log_idx` \(`tenant_id`, `type`, `position`\);/,
    /create table `md_data_keys` \(`tenant_id` varchar\(100\) collate utf8mb4_bin not null, `key_id` char\(36\) not null, `subject` varchar\(200\) collate utf8mb4_bin not null, `version` int not null, `algorithm` varchar\(32\) collate utf8mb4_bin not null, `master_key_id` varchar\(100\) collate utf8mb4_bin not null, `wrapped_key` text not null, `created_at` datetime\(3\) not null, primary key \(`tenant_id`, `key_id`\)\)/,
    /alter table `md_data_keys` add unique `md_data_keys_subject_version_key` \(`tenant_id`, `subject`, `version`\);/,
  ],
  sqlite: [
    // `integer`, as the events table's position (the rowid there).
    /create table `md_event_tags` \(`position` integer not null, `tag` text not null, `tenant_id` text not null, `type` text not null, primary key \(`position`, `tag`\)\);/,
    /create index `md_event_tags_tag_log_idx` on `md_event_tags` \(`tenant_id`, `tag`, `position`\);/,
    /create index `md_events_tenant_type_log_idx` on `md_events` \(`tenant_id`, `type`, `position`\);/,
    /create table `md_data_keys` \(`tenant_id` text not null, `key_id` text not null, `subject` text not null, `version` integer not null, `algorithm` text not null, `master_key_id` text not null, `wrapped_key` text not null, `created_at` text not null, primary key \(`tenant_id`, `key_id`\)\);/,
    /create unique index `md_data_keys_subject_version_key` on `md_data_keys` \(`tenant_id`, `subject`, `version`\);/,
  ],
};

describe.each(Object.keys(drivers) as SqlDialectName[])('the entities on %s', (dialect) => {
  it("give MikroORM's SchemaGenerator the tags table, the events' type index and the data keys table", async () => {
    const orm = await MikroORM.init(
      configureModels({ ...drivers[dialect], entities: [], connect: false }, { tablePrefix: 'md_' }),
    );
    try {
      const ddl = await orm.schema.getCreateSchemaSQL({ wrap: false });
      for (const fragment of expected[dialect]) expect(ddl).toMatch(fragment);
    } finally {
      await orm.close();
    }
  });
});
