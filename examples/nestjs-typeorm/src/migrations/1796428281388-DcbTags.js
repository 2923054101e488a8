/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class DcbTags1796428281388 {
  name = 'DcbTags1796428281388';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE TABLE "es_event_tags" ("position" bigint NOT NULL, "transaction_id" bigint NOT NULL, "tenant_id" character varying(100) NOT NULL, "tag" character varying(200) NOT NULL, "type" character varying(200) NOT NULL, CONSTRAINT "es_event_tags_pkey" PRIMARY KEY ("position", "tag"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "es_event_tags_tag_log_idx" ON "es_event_tags"  ("tenant_id", "tag", "transaction_id", "position") `,
    );
    await queryRunner.query(
      `CREATE INDEX "es_events_tenant_type_log_idx" ON "es_events"  ("tenant_id", "type", "transaction_id", "position") `,
    );
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`DROP INDEX "public"."es_events_tenant_type_log_idx"`);
    await queryRunner.query(`DROP INDEX "public"."es_event_tags_tag_log_idx"`);
    await queryRunner.query(`DROP TABLE "es_event_tags"`);
  }
}
