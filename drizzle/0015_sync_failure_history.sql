ALTER TABLE "sync_runs" ADD COLUMN "stop_reason" text;--> statement-breakpoint
ALTER TABLE "sync_steps" ADD COLUMN "failures" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_steps" ADD COLUMN "retrying" jsonb;