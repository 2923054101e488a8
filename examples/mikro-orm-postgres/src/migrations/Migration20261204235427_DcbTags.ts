import { Migration } from '@mikro-orm/migrations';

export class Migration20261204235427_DcbTags extends Migration {
  override name = 'Migration20261204235427_DcbTags';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "ex_mikro_es_event_tags" ("position" bigint not null, "tag" varchar(200) not null, "transaction_id" bigint not null, "tenant_id" varchar(100) not null, "type" varchar(200) not null, primary key ("position", "tag"));`,
    );
    this.addSql(
      `create index "ex_mikro_es_event_tags_tag_log_idx" on "ex_mikro_es_event_tags" ("tenant_id", "tag", "transaction_id", "position");`,
    );

    this.addSql(
      `create index "ex_mikro_es_events_tenant_type_log_idx" on "ex_mikro_es_events" ("tenant_id", "type", "transaction_id", "position");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "ex_mikro_es_event_tags" cascade;`);

    this.addSql(`drop index "ex_mikro_es_events_tenant_type_log_idx";`);
  }
}
