CREATE TABLE `account_balances` (
	`account_id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`balance` real NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `es_checkpoints` (
	`consumer` text PRIMARY KEY NOT NULL,
	`transaction_id` integer DEFAULT 0 NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_expires_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `es_events` (
	`position` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`category` text NOT NULL,
	`stream_id` text NOT NULL,
	`stream_version` integer NOT NULL,
	`type` text NOT NULL,
	`schema_version` integer NOT NULL,
	`data` text NOT NULL,
	`metadata` text NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `es_events_event_id_key` ON `es_events` (`event_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `es_events_stream_version_key` ON `es_events` (`tenant_id`,`category`,`stream_id`,`stream_version`);--> statement-breakpoint
CREATE TABLE `es_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`position` integer NOT NULL,
	`event_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`category` text NOT NULL,
	`stream_id` text NOT NULL,
	`stream_version` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`claimed_by` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `es_outbox_status_next_attempt_at_idx` ON `es_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `es_outbox_stream_idx` ON `es_outbox` (`tenant_id`,`category`,`stream_id`,`id`);--> statement-breakpoint
CREATE TABLE `es_snapshots` (
	`tenant_id` text NOT NULL,
	`category` text NOT NULL,
	`stream_id` text NOT NULL,
	`version` integer NOT NULL,
	`schema_version` integer NOT NULL,
	`state` text NOT NULL,
	`taken_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `category`, `stream_id`)
);
--> statement-breakpoint
CREATE TABLE `es_streams` (
	`tenant_id` text NOT NULL,
	`category` text NOT NULL,
	`stream_id` text NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `category`, `stream_id`)
);
--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`from_account` text NOT NULL,
	`to_account` text NOT NULL,
	`amount` real NOT NULL,
	`at` text NOT NULL
);
