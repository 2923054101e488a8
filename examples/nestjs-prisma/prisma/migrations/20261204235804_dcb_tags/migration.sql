-- CreateTable
CREATE TABLE "es_event_tags" (
    "position" BIGINT NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "tenant_id" VARCHAR(100) NOT NULL,
    "tag" VARCHAR(200) NOT NULL,
    "type" VARCHAR(200) NOT NULL,

    CONSTRAINT "es_event_tags_pkey" PRIMARY KEY ("position","tag")
);

-- CreateIndex
CREATE INDEX "es_event_tags_tag_log_idx" ON "es_event_tags"("tenant_id", "tag", "transaction_id", "position");

-- CreateIndex
CREATE INDEX "es_events_tenant_type_log_idx" ON "es_events"("tenant_id", "type", "transaction_id", "position");
