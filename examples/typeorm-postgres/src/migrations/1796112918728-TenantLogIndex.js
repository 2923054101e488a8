/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class TenantLogIndex1796112918728 {
  name = 'TenantLogIndex1796112918728';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE INDEX "ex_typeorm_es_events_tenant_log_idx" ON "ex_typeorm_es_events" ("tenant_id", "transaction_id", "position") `,
    );
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`DROP INDEX "public"."ex_typeorm_es_events_tenant_log_idx"`);
  }
}
