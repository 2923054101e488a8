-- CreateTable
CREATE TABLE "gift_cards" (
    "id" VARCHAR(64) NOT NULL,
    "owner" VARCHAR(200) NOT NULL,
    "balance_cents" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "gift_cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "redemptions" (
    "reference" VARCHAR(64) NOT NULL,
    "card_id" VARCHAR(64) NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "redemptions_pkey" PRIMARY KEY ("reference")
);

-- CreateTable
CREATE TABLE "card_summaries" (
    "card_id" VARCHAR(64) NOT NULL,
    "owner" VARCHAR(200) NOT NULL,
    "balance_cents" INTEGER NOT NULL,
    "redemptions" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "card_summaries_pkey" PRIMARY KEY ("card_id")
);

-- CreateTable
CREATE TABLE "es_streams" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "stream_id" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "es_streams_pkey" PRIMARY KEY ("tenant_id","category","stream_id")
);

-- CreateTable
CREATE TABLE "es_events" (
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

    CONSTRAINT "es_events_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "es_snapshots" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "stream_id" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "es_snapshots_pkey" PRIMARY KEY ("tenant_id","category","stream_id")
);

-- CreateTable
CREATE TABLE "es_outbox" (
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

    CONSTRAINT "es_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "es_checkpoints" (
    "tenant_id" VARCHAR(100) NOT NULL DEFAULT 'default',
    "consumer" VARCHAR(200) NOT NULL,
    "transaction_id" BIGINT NOT NULL DEFAULT 0,
    "position" BIGINT NOT NULL DEFAULT 0,
    "lease_owner" VARCHAR(100),
    "lease_expires_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3),

    CONSTRAINT "es_checkpoints_pkey" PRIMARY KEY ("tenant_id","consumer")
);

-- CreateTable
CREATE TABLE "es_parked" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "consumer" VARCHAR(200) NOT NULL,
    "position" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_error" TEXT,
    "status" VARCHAR(16) NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "es_parked_pkey" PRIMARY KEY ("tenant_id","consumer","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "redemptions_card_id_version_key" ON "redemptions"("card_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "es_events_event_id_key" ON "es_events"("event_id");

-- CreateIndex
CREATE INDEX "es_events_transaction_idx" ON "es_events"("transaction_id", "position");

-- CreateIndex
CREATE INDEX "es_events_tenant_log_idx" ON "es_events"("tenant_id", "transaction_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "es_events_stream_version_key" ON "es_events"("tenant_id", "category", "stream_id", "stream_version");

-- CreateIndex
CREATE INDEX "es_outbox_due_idx" ON "es_outbox"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "es_outbox_stream_idx" ON "es_outbox"("tenant_id", "category", "stream_id", "id");
