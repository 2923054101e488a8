/**
 * @typedef {import('typeorm').MigrationInterface} MigrationInterface
 * @typedef {import('typeorm').QueryRunner} QueryRunner
 */

/**
 * @class
 * @implements {MigrationInterface}
 */
export class BankTables1796420723555 {
  name = 'BankTables1796420723555';

  /**
   * @param {QueryRunner} queryRunner
   */
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE TABLE "deposits" ("id" character varying(100) NOT NULL, "account_id" character varying(100) NOT NULL, "amount" integer NOT NULL, "stream_version" integer NOT NULL, CONSTRAINT "PK_f49ba0cd446eaf7abb4953385d9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "account_summaries" ("account_id" character varying(100) NOT NULL, "owner" character varying(100) NOT NULL, "balance" integer NOT NULL, "deposits" integer NOT NULL, CONSTRAINT "PK_e609475fcff5888c47f1d61fcc8" PRIMARY KEY ("account_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "es_streams" ("tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "version" integer NOT NULL, CONSTRAINT "es_streams_pkey" PRIMARY KEY ("tenant_id", "category", "stream_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "es_events" ("position" BIGSERIAL NOT NULL, "transaction_id" bigint NOT NULL, "event_id" uuid NOT NULL, "tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "stream_version" integer NOT NULL, "type" character varying(200) NOT NULL, "schema_version" integer NOT NULL, "data" jsonb NOT NULL, "metadata" jsonb NOT NULL, "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "es_events_event_id_key" UNIQUE ("event_id"), CONSTRAINT "es_events_stream_version_key" UNIQUE ("tenant_id", "category", "stream_id", "stream_version"), CONSTRAINT "es_events_pkey" PRIMARY KEY ("position"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "es_events_transaction_id_position_idx" ON "es_events"  ("transaction_id", "position") `,
    );
    await queryRunner.query(
      `CREATE INDEX "es_events_tenant_log_idx" ON "es_events"  ("tenant_id", "transaction_id", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "es_snapshots" ("tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "version" integer NOT NULL, "schema_version" integer NOT NULL, "state" jsonb NOT NULL, "taken_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "es_snapshots_pkey" PRIMARY KEY ("tenant_id", "category", "stream_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "es_outbox" ("id" BIGSERIAL NOT NULL, "position" bigint NOT NULL, "event_id" uuid NOT NULL, "tenant_id" character varying(100) NOT NULL, "category" character varying(100) NOT NULL, "stream_id" character varying(200) NOT NULL, "stream_version" integer NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "last_error" text, "status" character varying(16) NOT NULL DEFAULT 'pending', "claimed_by" character varying(100), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "es_outbox_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "es_outbox_status_next_attempt_at_idx" ON "es_outbox"  ("status", "next_attempt_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "es_outbox_stream_idx" ON "es_outbox"  ("tenant_id", "category", "stream_id", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "es_checkpoints" ("tenant_id" character varying(100) NOT NULL DEFAULT 'default', "consumer" character varying(200) NOT NULL, "transaction_id" bigint NOT NULL DEFAULT '0', "position" bigint NOT NULL DEFAULT '0', "lease_owner" character varying(100), "lease_expires_at" TIMESTAMP(3) WITH TIME ZONE, "updated_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "es_checkpoints_pkey" PRIMARY KEY ("tenant_id", "consumer"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "es_parked" ("tenant_id" character varying(100) NOT NULL, "consumer" character varying(200) NOT NULL, "position" bigint NOT NULL, "attempts" integer NOT NULL, "last_error" text, "status" character varying(16) NOT NULL, "parked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "es_parked_pkey" PRIMARY KEY ("tenant_id", "consumer", "position"))`,
    );
  }

  /**
   * @param {QueryRunner} queryRunner
   */
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "es_parked"`);
    await queryRunner.query(`DROP TABLE "es_checkpoints"`);
    await queryRunner.query(`DROP INDEX "public"."es_outbox_stream_idx"`);
    await queryRunner.query(`DROP INDEX "public"."es_outbox_status_next_attempt_at_idx"`);
    await queryRunner.query(`DROP TABLE "es_outbox"`);
    await queryRunner.query(`DROP TABLE "es_snapshots"`);
    await queryRunner.query(`DROP INDEX "public"."es_events_tenant_log_idx"`);
    await queryRunner.query(`DROP INDEX "public"."es_events_transaction_id_position_idx"`);
    await queryRunner.query(`DROP TABLE "es_events"`);
    await queryRunner.query(`DROP TABLE "es_streams"`);
    await queryRunner.query(`DROP TABLE "account_summaries"`);
    await queryRunner.query(`DROP TABLE "deposits"`);
  }
}
