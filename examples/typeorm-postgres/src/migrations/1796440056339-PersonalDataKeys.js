/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class PersonalDataKeys1796440056339 {
  name = 'PersonalDataKeys1796440056339';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_data_keys" ("tenant_id" character varying(100) NOT NULL, "key_id" uuid NOT NULL, "subject" character varying(200) NOT NULL, "version" integer NOT NULL, "algorithm" character varying(32) NOT NULL, "master_key_id" character varying(100) NOT NULL, "wrapped_key" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "ex_typeorm_es_data_keys_subject_version_key" UNIQUE ("tenant_id", "subject", "version"), CONSTRAINT "ex_typeorm_es_data_keys_pkey" PRIMARY KEY ("tenant_id", "key_id"))`,
    );
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_data_keys"`);
  }
}
