CREATE TABLE `es_event_tags` (
	`position` integer NOT NULL,
	`tenant_id` text NOT NULL,
	`tag` text NOT NULL,
	`type` text NOT NULL,
	PRIMARY KEY(`position`, `tag`)
);
--> statement-breakpoint
CREATE INDEX `es_event_tags_tag_log_idx` ON `es_event_tags` (`tenant_id`,`tag`,`position`);--> statement-breakpoint
CREATE INDEX `es_events_tenant_type_log_idx` ON `es_events` (`tenant_id`,`type`,`position`);