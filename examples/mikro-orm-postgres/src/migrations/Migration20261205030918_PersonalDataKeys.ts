import { Migration } from '@mikro-orm/migrations';

export class Migration20261205030918_PersonalDataKeys extends Migration {
  override name = 'Migration20261205030918_PersonalDataKeys';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "ex_mikro_es_data_keys" ("tenant_id" varchar(100) not null, "key_id" uuid not null, "subject" varchar(200) not null, "version" int not null, "algorithm" varchar(32) not null, "master_key_id" varchar(100) not null, "wrapped_key" text not null, "created_at" timestamptz(3) not null, primary key ("tenant_id", "key_id"));`,
    );
    this.addSql(
      `alter table "ex_mikro_es_data_keys" add constraint "ex_mikro_es_data_keys_subject_version_key" unique ("tenant_id", "subject", "version");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "ex_mikro_es_data_keys" cascade;`);
  }
}
