/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class BankTables1795396429149 {
  name = 'BankTables1795396429149';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_accounts" ("id" character varying(100) NOT NULL, "owner" character varying(100) NOT NULL, "balance" integer NOT NULL, "version" integer NOT NULL, CONSTRAINT "PK_527806c134e05968a1b77427182" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_streams" ("tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "version" integer NOT NULL, CONSTRAINT "ex_typeorm_es_streams_pkey" PRIMARY KEY ("tenant_id", "category", "stream_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_events" ("position" BIGSERIAL NOT NULL, "transaction_id" bigint NOT NULL, "event_id" uuid NOT NULL, "tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "stream_version" integer NOT NULL, "type" character varying(200) NOT NULL, "schema_version" integer NOT NULL, "data" jsonb NOT NULL, "metadata" jsonb NOT NULL, "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "ex_typeorm_es_events_event_id_key" UNIQUE ("event_id"), CONSTRAINT "ex_typeorm_es_events_stream_version_key" UNIQUE ("tenant_id", "category", "stream_id", "stream_version"), CONSTRAINT "ex_typeorm_es_events_pkey" PRIMARY KEY ("position"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ex_typeorm_es_events_transaction_id_position_idx" ON "ex_typeorm_es_events" ("transaction_id", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_snapshots" ("tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "version" integer NOT NULL, "schema_version" integer NOT NULL, "state" jsonb NOT NULL, "taken_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "ex_typeorm_es_snapshots_pkey" PRIMARY KEY ("tenant_id", "category", "stream_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_outbox" ("id" BIGSERIAL NOT NULL, "position" bigint NOT NULL, "event_id" uuid NOT NULL, "tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "stream_version" integer NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "last_error" text, "status" character varying(16) NOT NULL DEFAULT 'pending', "claimed_by" character varying(100), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "ex_typeorm_es_outbox_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ex_typeorm_es_outbox_status_next_attempt_at_idx" ON "ex_typeorm_es_outbox" ("status", "next_attempt_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ex_typeorm_es_outbox_stream_idx" ON "ex_typeorm_es_outbox" ("tenant_id", "category", "stream_id", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ex_typeorm_es_checkpoints" ("consumer" character varying(200) NOT NULL, "transaction_id" bigint NOT NULL DEFAULT '0', "position" bigint NOT NULL DEFAULT '0', "lease_owner" character varying(100), "lease_expires_at" TIMESTAMP(3) WITH TIME ZONE, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "ex_typeorm_es_checkpoints_pkey" PRIMARY KEY ("consumer"))`,
    );
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_checkpoints"`);
    await queryRunner.query(`DROP INDEX "public"."ex_typeorm_es_outbox_stream_idx"`);
    await queryRunner.query(`DROP INDEX "public"."ex_typeorm_es_outbox_status_next_attempt_at_idx"`);
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_outbox"`);
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_snapshots"`);
    await queryRunner.query(`DROP INDEX "public"."ex_typeorm_es_events_transaction_id_position_idx"`);
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_events"`);
    await queryRunner.query(`DROP TABLE "ex_typeorm_es_streams"`);
    await queryRunner.query(`DROP TABLE "ex_typeorm_accounts"`);
  }
}
