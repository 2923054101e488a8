-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "ex_prisma";

-- CreateTable
CREATE TABLE "ex_prisma_tickets" (
    "id" VARCHAR(64) NOT NULL,
    "concert" VARCHAR(200) NOT NULL,
    "holder" VARCHAR(200) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ex_prisma_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ex_prisma_es_streams" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "stream_id" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "ex_prisma_es_streams_pkey" PRIMARY KEY ("tenant_id","category","stream_id")
);

-- CreateTable
CREATE TABLE "ex_prisma_es_events" (
    "position" BIGSERIAL NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "event_id" UUID NOT NULL,
    "tenant_id" VARCHAR(100) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "stream_id" VARCHAR(200) NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "type" VARCHAR(200) NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ex_prisma_es_events_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "ex_prisma_es_snapshots" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "stream_id" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ex_prisma_es_snapshots_pkey" PRIMARY KEY ("tenant_id","category","stream_id")
);

-- CreateTable
CREATE TABLE "ex_prisma_es_outbox" (
    "id" BIGSERIAL NOT NULL,
    "position" BIGINT NOT NULL,
    "event_id" UUID NOT NULL,
    "tenant_id" VARCHAR(100) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "stream_id" VARCHAR(200) NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "claimed_by" VARCHAR(100),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ex_prisma_es_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ex_prisma_es_checkpoints" (
    "consumer" VARCHAR(200) NOT NULL,
    "transaction_id" BIGINT NOT NULL DEFAULT 0,
    "position" BIGINT NOT NULL DEFAULT 0,
    "lease_owner" VARCHAR(100),
    "lease_expires_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ex_prisma_es_checkpoints_pkey" PRIMARY KEY ("consumer")
);

-- CreateIndex
CREATE UNIQUE INDEX "ex_prisma_es_events_event_id_key" ON "ex_prisma_es_events"("event_id");

-- CreateIndex
CREATE INDEX "ex_prisma_es_events_transaction_idx" ON "ex_prisma_es_events"("transaction_id", "position");

-- CreateIndex
CREATE INDEX "ex_prisma_es_events_tenant_log_idx" ON "ex_prisma_es_events"("tenant_id", "transaction_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ex_prisma_es_events_stream_version_key" ON "ex_prisma_es_events"("tenant_id", "category", "stream_id", "stream_version");

-- CreateIndex
CREATE INDEX "ex_prisma_es_outbox_due_idx" ON "ex_prisma_es_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "ex_prisma_es_outbox_stream_idx" ON "ex_prisma_es_outbox"("tenant_id", "category", "stream_id", "id");
