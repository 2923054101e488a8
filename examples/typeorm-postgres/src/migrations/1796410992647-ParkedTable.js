/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class ParkedTable1796410992647 {
  name = 'ParkedTable1796410992647';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_parked" ("tenant_id" character varying(100) NOT NULL, "consumer" character varying(200) NOT NULL, "position" bigint NOT NULL, "attempts" integer NOT NULL, "last_error" text, "status" character varying(16) NOT NULL, "parked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "ex_typeorm_es_parked_pkey" PRIMARY KEY ("tenant_id", "consumer", "position"))`,
    );
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_parked"`);
  }
}
