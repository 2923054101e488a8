import { Migration } from '@mikro-orm/migrations';

export class Migration20261204215257_ShowTables extends Migration {
  override name = 'Migration20261204215257_ShowTables';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "ex_nest_mikro_bookings" ("reference" varchar(64) not null, "show_id" varchar(64) not null, "seats" int not null, "version" int not null, primary key ("reference"));`,
    );

    this.addSql(
      `create table "ex_nest_mikro_es_checkpoints" ("tenant_id" varchar(100) not null default 'default', "consumer" varchar(200) not null, "transaction_id" bigint not null default 0, "position" bigint not null default 0, "lease_owner" varchar(100) null, "lease_expires_at" timestamptz(3) null, "updated_at" timestamptz(3) null, primary key ("tenant_id", "consumer"));`,
    );

    this.addSql(
      `create table "ex_nest_mikro_es_events" ("position" bigserial primary key, "transaction_id" bigint not null, "event_id" uuid not null, "tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "stream_version" int not null, "type" varchar(200) not null, "schema_version" int not null, "data" jsonb not null, "metadata" jsonb not null, "recorded_at" timestamptz(3) not null);`,
    );
    this.addSql(
      `alter table "ex_nest_mikro_es_events" add constraint "ex_nest_mikro_es_events_event_id_unique" unique ("event_id");`,
    );
    this.addSql(
      `create index "ex_nest_mikro_es_events_transaction_id_position_index" on "ex_nest_mikro_es_events" ("transaction_id", "position");`,
    );
    this.addSql(
      `create index "ex_nest_mikro_es_events_tenant_log_index" on "ex_nest_mikro_es_events" ("tenant_id", "transaction_id", "position");`,
    );
    this.addSql(
      `alter table "ex_nest_mikro_es_events" add constraint "ex_nest_mikro_es_events_stream_version_unique" unique ("tenant_id", "category", "stream_id", "stream_version");`,
    );

    this.addSql(
      `create table "ex_nest_mikro_es_outbox" ("id" bigserial primary key, "position" bigint not null, "event_id" uuid not null, "tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "stream_version" int not null, "attempts" int not null default 0, "next_attempt_at" timestamptz(3) not null, "last_error" text null, "status" varchar(16) not null default 'pending', "claimed_by" varchar(100) null, "created_at" timestamptz(3) not null);`,
    );
    this.addSql(
      `create index "ex_nest_mikro_es_outbox_status_next_attempt_at_index" on "ex_nest_mikro_es_outbox" ("status", "next_attempt_at");`,
    );
    this.addSql(
      `create index "ex_nest_mikro_es_outbox_stream_index" on "ex_nest_mikro_es_outbox" ("tenant_id", "category", "stream_id", "id");`,
    );

    this.addSql(
      `create table "ex_nest_mikro_es_parked" ("tenant_id" varchar(100) not null, "consumer" varchar(200) not null, "position" bigint not null, "attempts" int not null, "last_error" text null, "status" varchar(16) not null, "parked_at" timestamptz(3) not null, primary key ("tenant_id", "consumer", "position"));`,
    );

    this.addSql(
      `create table "ex_nest_mikro_es_snapshots" ("tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "version" int not null, "schema_version" int not null, "state" jsonb not null, "taken_at" timestamptz(3) not null, primary key ("tenant_id", "category", "stream_id"));`,
    );

    this.addSql(
      `create table "ex_nest_mikro_es_streams" ("tenant_id" varchar(100) not null, "category" varchar(100) not null, "stream_id" varchar(200) not null, "version" int not null, primary key ("tenant_id", "category", "stream_id"));`,
    );

    this.addSql(
      `create table "ex_nest_mikro_shows" ("id" varchar(64) not null, "title" varchar(200) not null, "capacity" int not null, "seats_left" int not null, "version" int not null, primary key ("id"));`,
    );

    this.addSql(
      `create table "ex_nest_mikro_show_summaries" ("show_id" varchar(64) not null, "title" varchar(200) not null, "seats_booked" int not null, "bookings" int not null, "version" int not null, primary key ("show_id"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "ex_nest_mikro_bookings" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_es_checkpoints" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_es_events" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_es_outbox" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_es_parked" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_es_snapshots" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_es_streams" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_shows" cascade;`);
    this.addSql(`drop table if exists "ex_nest_mikro_show_summaries" cascade;`);
  }
}
