CREATE TABLE "enrol_es_checkpoints" (
	"tenant_id" varchar(100) DEFAULT 'default' NOT NULL,
	"consumer" varchar(200) NOT NULL,
	"transaction_id" bigint DEFAULT 0 NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	"lease_owner" varchar(100),
	"lease_expires_at" timestamp(3) with time zone,
	"updated_at" timestamp(3) with time zone,
	CONSTRAINT "enrol_es_checkpoints_pkey" PRIMARY KEY("tenant_id","consumer")
);
--> statement-breakpoint
CREATE TABLE "enrol_es_events" (
	"position" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "enrol_es_events_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"transaction_id" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"tenant_id" varchar(100) NOT NULL,
	"category" varchar(100) NOT NULL,
	"stream_id" varchar(200) NOT NULL,
	"stream_version" integer NOT NULL,
	"type" varchar(200) NOT NULL,
	"schema_version" integer NOT NULL,
	"data" jsonb NOT NULL,
	"metadata" jsonb NOT NULL,
	"recorded_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "enrol_es_events_event_id_key" UNIQUE("event_id"),
	CONSTRAINT "enrol_es_events_stream_version_key" UNIQUE("tenant_id","category","stream_id","stream_version")
);
--> statement-breakpoint
CREATE TABLE "enrol_es_outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "enrol_es_outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"position" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"tenant_id" varchar(100) NOT NULL,
	"category" varchar(100) NOT NULL,
	"stream_id" varchar(200) NOT NULL,
	"stream_version" integer NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp(3) with time zone NOT NULL,
	"last_error" text,
	"status" varchar(16) DEFAULT 'pending' NOT NULL,
	"claimed_by" varchar(100),
	"created_at" timestamp(3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrol_es_parked" (
	"tenant_id" varchar(100) NOT NULL,
	"consumer" varchar(200) NOT NULL,
	"position" bigint NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text,
	"status" varchar(16) NOT NULL,
	"parked_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "enrol_es_parked_pkey" PRIMARY KEY("tenant_id","consumer","position")
);
--> statement-breakpoint
CREATE TABLE "enrol_es_snapshots" (
	"tenant_id" varchar(100) NOT NULL,
	"category" varchar(100) NOT NULL,
	"stream_id" varchar(200) NOT NULL,
	"version" integer NOT NULL,
	"schema_version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"taken_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "enrol_es_snapshots_pkey" PRIMARY KEY("tenant_id","category","stream_id")
);
--> statement-breakpoint
CREATE TABLE "enrol_es_streams" (
	"tenant_id" varchar(100) NOT NULL,
	"category" varchar(100) NOT NULL,
	"stream_id" varchar(200) NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "enrol_es_streams_pkey" PRIMARY KEY("tenant_id","category","stream_id")
);
--> statement-breakpoint
CREATE TABLE "enrol_es_event_tags" (
	"position" bigint NOT NULL,
	"transaction_id" bigint NOT NULL,
	"tenant_id" varchar(100) NOT NULL,
	"tag" varchar(200) NOT NULL,
	"type" varchar(200) NOT NULL,
	CONSTRAINT "enrol_es_event_tags_pkey" PRIMARY KEY("position","tag")
);
--> statement-breakpoint
CREATE INDEX "enrol_es_events_transaction_id_position_idx" ON "enrol_es_events" USING btree ("transaction_id","position");--> statement-breakpoint
CREATE INDEX "enrol_es_events_tenant_log_idx" ON "enrol_es_events" USING btree ("tenant_id","transaction_id","position");--> statement-breakpoint
CREATE INDEX "enrol_es_events_tenant_type_log_idx" ON "enrol_es_events" USING btree ("tenant_id","type","transaction_id","position");--> statement-breakpoint
CREATE INDEX "enrol_es_outbox_status_next_attempt_at_idx" ON "enrol_es_outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "enrol_es_outbox_stream_idx" ON "enrol_es_outbox" USING btree ("tenant_id","category","stream_id","id");--> statement-breakpoint
CREATE INDEX "enrol_es_event_tags_tag_log_idx" ON "enrol_es_event_tags" USING btree ("tenant_id","tag","transaction_id","position");