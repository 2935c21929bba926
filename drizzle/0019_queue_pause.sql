CREATE TABLE "queue_pause" (
	"queue" text PRIMARY KEY NOT NULL,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "events_source_recent" ON "events" USING btree ("source_id","id");