-- CreateTable
CREATE TABLE "ex_prisma_es_parked" (
    "tenant_id" VARCHAR(100) NOT NULL,
    "consumer" VARCHAR(200) NOT NULL,
    "position" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_error" TEXT,
    "status" VARCHAR(16) NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ex_prisma_es_parked_pkey" PRIMARY KEY ("tenant_id","consumer","position")
);
