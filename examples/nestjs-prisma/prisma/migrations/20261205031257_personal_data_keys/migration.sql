-- CreateTable
CREATE TABLE "es_data_keys" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "key_id" UUID NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL,
    "algorithm" VARCHAR(32) NOT NULL,
    "master_key_id" VARCHAR(100) NOT NULL,
    "wrapped_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "es_data_keys_pkey" PRIMARY KEY ("tenant_id","key_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "es_data_keys_subject_version_key" ON "es_data_keys"("tenant_id", "subject", "version");
