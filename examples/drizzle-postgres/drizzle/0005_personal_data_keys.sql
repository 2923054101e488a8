CREATE TABLE "shop_es_data_keys" (
	"tenant_id" varchar(100) NOT NULL,
	"key_id" uuid NOT NULL,
	"subject" varchar(200) NOT NULL,
	"version" integer NOT NULL,
	"algorithm" varchar(32) NOT NULL,
	"master_key_id" varchar(100) NOT NULL,
	"wrapped_key" text NOT NULL,
	"created_at" timestamp(3) with time zone NOT NULL,
	CONSTRAINT "shop_es_data_keys_pkey" PRIMARY KEY("tenant_id","key_id"),
	CONSTRAINT "shop_es_data_keys_subject_version_key" UNIQUE("tenant_id","subject","version")
);
