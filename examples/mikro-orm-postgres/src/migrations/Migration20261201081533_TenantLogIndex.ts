import { Migration } from '@mikro-orm/migrations';

export class Migration20261201081533_TenantLogIndex extends Migration {
  override name = 'Migration20261201081533_TenantLogIndex';

  override up(): void | Promise<void> {
    this.addSql(
      `create index "ex_mikro_es_events_tenant_log_index" on "ex_mikro_es_events" ("tenant_id", "transaction_id", "position");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "ex_mikro_es_events_tenant_log_index";`);
  }
}
