/*
  Warnings:

  - The primary key for the `ex_prisma_es_checkpoints` table will be changed. If it partially fails, the table could be left without primary key constraint.

*/
-- AlterTable
ALTER TABLE "ex_prisma_es_checkpoints" DROP CONSTRAINT "ex_prisma_es_checkpoints_pkey",
ADD COLUMN     "tenant_id" VARCHAR(100) NOT NULL DEFAULT 'default',
ALTER COLUMN "updated_at" DROP NOT NULL,
ADD CONSTRAINT "ex_prisma_es_checkpoints_pkey" PRIMARY KEY ("tenant_id", "consumer");
