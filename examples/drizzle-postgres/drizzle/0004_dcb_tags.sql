CREATE TABLE "shop_es_event_tags" (
	"position" bigint NOT NULL,
	"transaction_id" bigint NOT NULL,
	"tenant_id" varchar(100) NOT NULL,
	"tag" varchar(200) NOT NULL,
	"type" varchar(200) NOT NULL,
	CONSTRAINT "shop_es_event_tags_pkey" PRIMARY KEY("position","tag")
);
--> statement-breakpoint
CREATE INDEX "shop_es_event_tags_tag_log_idx" ON "shop_es_event_tags" USING btree ("tenant_id","tag","transaction_id","position");--> statement-breakpoint
CREATE INDEX "shop_es_events_tenant_type_log_idx" ON "shop_es_events" USING btree ("tenant_id","type","transaction_id","position");