-- Checkpoints per tenant. drizzle-kit generates this change out of order (the new key before its
-- column) and without dropping the old key, which it cannot name: written by hand, in order.
ALTER TABLE "shop_es_checkpoints" ADD COLUMN "tenant_id" varchar(100) DEFAULT 'default' NOT NULL;--> statement-breakpoint
ALTER TABLE "shop_es_checkpoints" ALTER COLUMN "updated_at" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "shop_es_checkpoints" DROP CONSTRAINT "shop_es_checkpoints_pkey";--> statement-breakpoint
ALTER TABLE "shop_es_checkpoints" ADD CONSTRAINT "shop_es_checkpoints_pkey" PRIMARY KEY("tenant_id","consumer");
