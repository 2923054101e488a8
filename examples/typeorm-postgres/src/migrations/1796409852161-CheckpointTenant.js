/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class CheckpointTenant1796409852161 {
  name = 'CheckpointTenant1796409852161';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `ALTER TABLE "ex_typeorm_es_checkpoints" ADD "tenant_id" character varying(100) NOT NULL DEFAULT 'default'`,
    );
    await queryRunner.query(`ALTER TABLE "ex_typeorm_es_checkpoints" DROP CONSTRAINT "ex_typeorm_es_checkpoints_pkey"`);
    await queryRunner.query(
      `ALTER TABLE "ex_typeorm_es_checkpoints" ADD CONSTRAINT "ex_typeorm_es_checkpoints_pkey" PRIMARY KEY ("consumer", "tenant_id")`,
    );
    await queryRunner.query(`ALTER TABLE "ex_typeorm_es_checkpoints" ALTER COLUMN "updated_at" DROP NOT NULL`);
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`ALTER TABLE "ex_typeorm_es_checkpoints" ALTER COLUMN "updated_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "ex_typeorm_es_checkpoints" DROP CONSTRAINT "ex_typeorm_es_checkpoints_pkey"`);
    await queryRunner.query(
      `ALTER TABLE "ex_typeorm_es_checkpoints" ADD CONSTRAINT "ex_typeorm_es_checkpoints_pkey" PRIMARY KEY ("consumer")`,
    );
    await queryRunner.query(`ALTER TABLE "ex_typeorm_es_checkpoints" DROP COLUMN "tenant_id"`);
  }
}
