import { Migration } from '@mikro-orm/migrations';

export class Migration20261204184539_CheckpointTenant extends Migration {
  override name = 'Migration20261204184539_CheckpointTenant';

  override up(): void | Promise<void> {
    this.addSql(`alter table "ex_mikro_es_checkpoints" drop constraint "ex_mikro_es_checkpoints_pkey";`);
    this.addSql(`alter table "ex_mikro_es_checkpoints" add "tenant_id" varchar(100) not null default 'default';`);
    this.addSql(`alter table "ex_mikro_es_checkpoints" alter column "updated_at" drop not null;`);
    this.addSql(`alter table "ex_mikro_es_checkpoints" add primary key ("tenant_id", "consumer");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "ex_mikro_es_checkpoints" drop constraint "ex_mikro_es_checkpoints_pkey";`);
    this.addSql(`alter table "ex_mikro_es_checkpoints" drop column "tenant_id";`);
    this.addSql(`alter table "ex_mikro_es_checkpoints" alter column "updated_at" set not null;`);
    this.addSql(`alter table "ex_mikro_es_checkpoints" add primary key ("consumer");`);
  }
}
