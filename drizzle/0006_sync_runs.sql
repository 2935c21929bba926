CREATE TABLE "sync_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"ok" boolean NOT NULL,
	"counts" jsonb NOT NULL,
	"money" jsonb NOT NULL,
	"window" text NOT NULL,
	"changed_since" integer DEFAULT 0 NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_chunks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"step_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"first_line" bigint NOT NULL,
	"end_line" bigint NOT NULL,
	"end_byte" bigint NOT NULL,
	"roots" integer NOT NULL,
	"children" integer NOT NULL,
	"promoted" boolean DEFAULT false NOT NULL,
	"staged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"phase" text DEFAULT 'queued' NOT NULL,
	"failed_phase" text,
	"error" text,
	"bulk_operation_id" text,
	"bulk_status" text,
	"expected_roots" bigint,
	"object_count" bigint DEFAULT 0 NOT NULL,
	"root_object_count" bigint DEFAULT 0 NOT NULL,
	"file_size" bigint,
	"result_url" text,
	"lines_staged" bigint DEFAULT 0 NOT NULL,
	"bytes_staged" bigint DEFAULT 0 NOT NULL,
	"roots_staged" bigint DEFAULT 0 NOT NULL,
	"roots_promoted" bigint DEFAULT 0 NOT NULL,
	"lines_promoted" bigint DEFAULT 0 NOT NULL,
	"timings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"money_check" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"phase_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_checks" ADD CONSTRAINT "sync_checks_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_checks" ADD CONSTRAINT "sync_checks_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_chunks" ADD CONSTRAINT "sync_chunks_step_id_sync_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."sync_steps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_steps" ADD CONSTRAINT "sync_steps_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_steps" ADD CONSTRAINT "sync_steps_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_steps" ADD CONSTRAINT "sync_steps_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_checks_store_id_checked_at_index" ON "sync_checks" USING btree ("store_id","checked_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_chunks_step_seq" ON "sync_chunks" USING btree ("step_id","seq");--> statement-breakpoint
CREATE INDEX "sync_runs_brand_id_started_at_index" ON "sync_runs" USING btree ("brand_id","started_at");--> statement-breakpoint
CREATE INDEX "sync_runs_store_id_started_at_index" ON "sync_runs" USING btree ("store_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_steps_run_entity" ON "sync_steps" USING btree ("run_id","entity");--> statement-breakpoint
CREATE INDEX "sync_steps_bulk_operation_id_index" ON "sync_steps" USING btree ("bulk_operation_id");--> statement-breakpoint
CREATE INDEX "sync_steps_store_id_phase_index" ON "sync_steps" USING btree ("store_id","phase");
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS "sync_staging";
