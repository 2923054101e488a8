import { Migration } from '@mikro-orm/migrations';

export class Migration20261204190346_ParkedTable extends Migration {
  override name = 'Migration20261204190346_ParkedTable';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "ex_mikro_es_parked" ("tenant_id" varchar(100) not null, "consumer" varchar(200) not null, "position" bigint not null, "attempts" int not null, "last_error" text null, "status" varchar(16) not null, "parked_at" timestamptz(3) not null, primary key ("tenant_id", "consumer", "position"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "ex_mikro_es_parked" cascade;`);
  }
}
