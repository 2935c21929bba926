CREATE TABLE "event_rejections" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "event_rejections_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" integer NOT NULL,
	"path" text NOT NULL,
	"errors" jsonb NOT NULL,
	"sample" text
);
--> statement-breakpoint
CREATE TABLE "event_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"name" text NOT NULL,
	"write_key_hash" text NOT NULL,
	"write_key_sealed" text NOT NULL,
	"previous_key_hash" text,
	"previous_key_expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"events_processed" bigint DEFAULT 0 NOT NULL,
	"profiles_created" bigint DEFAULT 0 NOT NULL,
	"last_event_at" timestamp with time zone,
	CONSTRAINT "event_sources_writeKeyHash_unique" UNIQUE("write_key_hash"),
	CONSTRAINT "event_sources_previousKeyHash_unique" UNIQUE("previous_key_hash")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"brand_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text,
	"user_id" text,
	"anonymous_id" text,
	"timestamp" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"profile_id" bigint,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "identity_settings" (
	"brand_id" uuid PRIMARY KEY NOT NULL,
	"blocked_emails" text[] DEFAULT '{}'::text[] NOT NULL,
	"limits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profile_identifiers" (
	"brand_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"profile_id" bigint NOT NULL,
	"source_id" uuid,
	"store_id" uuid,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profile_identifiers_brand_id_kind_value_pk" PRIMARY KEY("brand_id","kind","value")
);
--> statement-breakpoint
CREATE TABLE "profile_merges" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "profile_merges_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"brand_id" uuid NOT NULL,
	"winner_id" bigint NOT NULL,
	"loser_id" bigint NOT NULL,
	"status" text NOT NULL,
	"cause" jsonb NOT NULL,
	"reason" text,
	"winner_before" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" text
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "profiles_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"brand_id" uuid NOT NULL,
	"merged_into" bigint,
	"root_id" bigint NOT NULL,
	"traits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"source_id" uuid,
	"store_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_seen_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"orders" integer DEFAULT 0 NOT NULL,
	"net_value" numeric(20, 4) DEFAULT '0' NOT NULL,
	"currency" text,
	"last_order_at" timestamp with time zone,
	"group_last_seen_at" timestamp with time zone,
	"email_consent" text
);
--> statement-breakpoint
ALTER TABLE "event_rejections" ADD CONSTRAINT "event_rejections_source_id_event_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."event_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_sources" ADD CONSTRAINT "event_sources_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_sources" ADD CONSTRAINT "event_sources_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_source_id_event_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."event_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_settings" ADD CONSTRAINT "identity_settings_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_identifiers" ADD CONSTRAINT "profile_identifiers_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_identifiers" ADD CONSTRAINT "profile_identifiers_profile_id_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_identifiers" ADD CONSTRAINT "profile_identifiers_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_merges" ADD CONSTRAINT "profile_merges_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_merges" ADD CONSTRAINT "profile_merges_undone_by_user_id_fk" FOREIGN KEY ("undone_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_rejections_source_id_id_index" ON "event_rejections" USING btree ("source_id","id");--> statement-breakpoint
CREATE INDEX "event_sources_brand_id_index" ON "event_sources" USING btree ("brand_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_source_message" ON "events" USING btree ("source_id","message_id");--> statement-breakpoint
CREATE INDEX "events_profile_time" ON "events" USING btree ("profile_id","timestamp" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_unresolved" ON "events" USING btree ("brand_id","id") WHERE "events"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "profile_identifiers_profile_id_index" ON "profile_identifiers" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "profile_identifiers_search" ON "profile_identifiers" USING btree ("brand_id","value" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "profile_merges_winner_id_index" ON "profile_merges" USING btree ("winner_id");--> statement-breakpoint
CREATE INDEX "profile_merges_loser_id_index" ON "profile_merges" USING btree ("loser_id");--> statement-breakpoint
CREATE INDEX "profile_merges_brand_id_id_index" ON "profile_merges" USING btree ("brand_id","id");--> statement-breakpoint
CREATE INDEX "profiles_root" ON "profiles" USING btree ("root_id");--> statement-breakpoint
CREATE INDEX "profiles_merged_into" ON "profiles" USING btree ("merged_into") WHERE "profiles"."merged_into" is not null;--> statement-breakpoint
CREATE INDEX "profiles_list_seen" ON "profiles" USING btree ("brand_id","group_last_seen_at" desc nulls last,"id" desc) WHERE "profiles"."merged_into" is null;--> statement-breakpoint
CREATE INDEX "profiles_list_value" ON "profiles" USING btree ("brand_id","net_value" desc,"id" desc) WHERE "profiles"."merged_into" is null;--> statement-breakpoint
CREATE INDEX "profiles_list_orders" ON "profiles" USING btree ("brand_id","orders" desc,"id" desc) WHERE "profiles"."merged_into" is null;--> statement-breakpoint
CREATE INDEX "profiles_list_last_order" ON "profiles" USING btree ("brand_id","last_order_at" desc nulls last,"id" desc) WHERE "profiles"."merged_into" is null;--> statement-breakpoint
CREATE INDEX "profiles_name_search" ON "profiles" USING btree ("brand_id",lower("name") text_pattern_ops);