CREATE TABLE `es_parked` (
	`tenant_id` text NOT NULL,
	`consumer` text NOT NULL,
	`position` integer NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`status` text NOT NULL,
	`parked_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `consumer`, `position`)
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_es_checkpoints` (
	`tenant_id` text DEFAULT 'default' NOT NULL,
	`consumer` text NOT NULL,
	`transaction_id` integer DEFAULT 0 NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_expires_at` text,
	`updated_at` text,
	PRIMARY KEY(`tenant_id`, `consumer`)
);
--> statement-breakpoint
INSERT INTO `__new_es_checkpoints`("consumer", "transaction_id", "position", "lease_owner", "lease_expires_at", "updated_at") SELECT "consumer", "transaction_id", "position", "lease_owner", "lease_expires_at", "updated_at" FROM `es_checkpoints`;--> statement-breakpoint
DROP TABLE `es_checkpoints`;--> statement-breakpoint
ALTER TABLE `__new_es_checkpoints` RENAME TO `es_checkpoints`;--> statement-breakpoint
PRAGMA foreign_keys=ON;