CREATE TABLE "data_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_shopify_id" text NOT NULL,
	"shopify_request_id" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"export" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "data_requests_brand_id_requested_at_index" ON "data_requests" USING btree ("brand_id","requested_at");