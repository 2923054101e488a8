import { Migration } from '@mikro-orm/migrations';

export class Migration20261201080619_ShopTables extends Migration {
  override name = 'Migration20261201080619_ShopTables';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "ex_mikro_es_checkpoints" ("consumer" varchar(200) not null, "transaction_id" bigint not null default 0, "position" bigint not null default 0, "lease_owner" varchar(100) null, "lease_expires_at" timestamptz(3) null, "updated_at" timestamptz(3) not null, primary key ("consumer"));`,
    );

    this.addSql(
      `create table "ex_mikro_es_events" ("position" bigserial primary key, "transaction_id" bigint not null, "event_id" uuid not null, "tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "stream_version" int not null, "type" varchar(200) not null, "schema_version" int not null, "data" jsonb not null, "metadata" jsonb not null, "recorded_at" timestamptz(3) not null);`,
    );
    this.addSql(
      `alter table "ex_mikro_es_events" add constraint "ex_mikro_es_events_event_id_unique" unique ("event_id");`,
    );
    this.addSql(
      `create index "ex_mikro_es_events_transaction_id_position_index" on "ex_mikro_es_events" ("transaction_id", "position");`,
    );
    this.addSql(
      `alter table "ex_mikro_es_events" add constraint "ex_mikro_es_events_stream_version_unique" unique ("tenant_id", "category", "stream_id", "stream_version");`,
    );

    this.addSql(
      `create table "ex_mikro_es_outbox" ("id" bigserial primary key, "position" bigint not null, "event_id" uuid not null, "tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "stream_version" int not null, "attempts" int not null default 0, "next_attempt_at" timestamptz(3) not null, "last_error" text null, "status" varchar(16) not null default 'pending', "claimed_by" varchar(100) null, "created_at" timestamptz(3) not null);`,
    );
    this.addSql(
      `create index "ex_mikro_es_outbox_status_next_attempt_at_index" on "ex_mikro_es_outbox" ("status", "next_attempt_at");`,
    );
    this.addSql(
      `create index "ex_mikro_es_outbox_stream_index" on "ex_mikro_es_outbox" ("tenant_id", "category", "stream_id", "id");`,
    );

    this.addSql(
      `create table "ex_mikro_es_snapshots" ("tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "version" int not null, "schema_version" int not null, "state" jsonb not null, "taken_at" timestamptz(3) not null, primary key ("tenant_id", "category", "stream_id"));`,
    );

    this.addSql(
      `create table "ex_mikro_es_streams" ("tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "version" int not null, primary key ("tenant_id", "category", "stream_id"));`,
    );

    this.addSql(
      `create table "ex_mikro_orders" ("id" varchar(64) not null, "reference" varchar(64) not null, "customer" varchar(100) not null, "total_cents" int not null, "status" varchar(16) not null, "version" int not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "ex_mikro_orders" add constraint "ex_mikro_orders_reference_unique" unique ("reference");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "ex_mikro_es_checkpoints" cascade;`);
    this.addSql(`drop table if exists "ex_mikro_es_events" cascade;`);
    this.addSql(`drop table if exists "ex_mikro_es_outbox" cascade;`);
    this.addSql(`drop table if exists "ex_mikro_es_snapshots" cascade;`);
    this.addSql(`drop table if exists "ex_mikro_es_streams" cascade;`);
    this.addSql(`drop table if exists "ex_mikro_orders" cascade;`);
  }
}
