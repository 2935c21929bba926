CREATE TYPE "public"."store_status" AS ENUM('connected', 'needs_reauth', 'uninstalled', 'disconnected');--> statement-breakpoint
CREATE TABLE "shopify_session" (
	"id" text PRIMARY KEY NOT NULL,
	"shop" text NOT NULL,
	"state" text NOT NULL,
	"is_online" boolean DEFAULT false NOT NULL,
	"scope" text,
	"expires" timestamp with time zone,
	"access_token" text NOT NULL,
	"user_id" bigint,
	"first_name" text,
	"last_name" text,
	"email" text,
	"account_owner" boolean,
	"locale" text,
	"collaborator" boolean,
	"email_verified" boolean,
	"refresh_token" text,
	"refresh_token_expires" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"shop_domain" text NOT NULL,
	"status" "store_status" DEFAULT 'connected' NOT NULL,
	"scopes" text,
	"session_id" text,
	"connected_by" text,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_connected_by_user_id_fk" FOREIGN KEY ("connected_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shopify_session_shop_index" ON "shopify_session" USING btree ("shop");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_brand_shop" ON "stores" USING btree ("brand_id","shop_domain");--> statement-breakpoint
CREATE INDEX "stores_shop_domain_index" ON "stores" USING btree ("shop_domain");