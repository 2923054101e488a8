CREATE TABLE "shop_es_checkpoints" (
	"consumer" varchar(200) PRIMARY KEY NOT NULL,
	"transaction_id" bigint DEFAULT 0 NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	"lease_owner" varchar(100),
	"lease_expires_at" timestamp(3) with time zone,
	"updated_at" timestamp(3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_es_events" (
	"position" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shop_es_events_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
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
	CONSTRAINT "shop_es_events_event_id_key" UNIQUE("event_id"),
	CONSTRAINT "shop_es_events_stream_version_key" UNIQUE("tenant_id","category","stream_id","stream_version")
);
--> statement-breakpoint
CREATE TABLE "shop_es_outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shop_es_outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
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
CREATE TABLE "shop_es_snapshots" (
	"tenant_id" varchar(100) NOT NULL,
	"category" varchar(100) NOT NULL,
	"stream_id" varchar(200) NOT NULL,
	"version" integer NOT NULL,
	"schema_version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"taken_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "shop_es_snapshots_pkey" PRIMARY KEY("tenant_id","category","stream_id")
);
--> statement-breakpoint
CREATE TABLE "shop_es_streams" (
	"tenant_id" varchar(100) NOT NULL,
	"category" varchar(100) NOT NULL,
	"stream_id" varchar(200) NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "shop_es_streams_pkey" PRIMARY KEY("tenant_id","category","stream_id")
);
--> statement-breakpoint
CREATE TABLE "shop_orders" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"customer" text NOT NULL,
	"total_cents" integer NOT NULL,
	"status" varchar(16) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "shop_es_events_transaction_id_position_idx" ON "shop_es_events" USING btree ("transaction_id","position");--> statement-breakpoint
CREATE INDEX "shop_es_outbox_status_next_attempt_at_idx" ON "shop_es_outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "shop_es_outbox_stream_idx" ON "shop_es_outbox" USING btree ("tenant_id","category","stream_id","id");