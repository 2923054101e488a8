CREATE TABLE "shop_es_parked" (
	"tenant_id" varchar(100) NOT NULL,
	"consumer" varchar(200) NOT NULL,
	"position" bigint NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text,
	"status" varchar(16) NOT NULL,
	"parked_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "shop_es_parked_pkey" PRIMARY KEY("tenant_id","consumer","position")
);
