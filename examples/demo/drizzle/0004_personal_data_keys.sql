CREATE TABLE `es_data_keys` (
	`tenant_id` text NOT NULL,
	`key_id` text NOT NULL,
	`subject` text NOT NULL,
	`version` integer NOT NULL,
	`algorithm` text NOT NULL,
	`master_key_id` text NOT NULL,
	`wrapped_key` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `key_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `es_data_keys_subject_version_key` ON `es_data_keys` (`tenant_id`,`subject`,`version`);