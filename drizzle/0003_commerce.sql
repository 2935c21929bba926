CREATE TABLE "shop_customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shopify_id" bigint NOT NULL,
	"email" text,
	"phone" text,
	"first_name" text,
	"last_name" text,
	"tags" text,
	"email_consent" text,
	"sms_consent" text,
	"created_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_line_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shopify_id" bigint NOT NULL,
	"order_shopify_id" bigint NOT NULL,
	"product_shopify_id" bigint,
	"variant_shopify_id" bigint,
	"title" text,
	"sku" text,
	"quantity" integer NOT NULL,
	"price" numeric(20, 4) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shopify_id" bigint NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"customer_shopify_id" bigint,
	"currency" text NOT NULL,
	"subtotal" numeric(20, 4),
	"tax" numeric(20, 4),
	"discounts" numeric(20, 4),
	"total" numeric(20, 4) NOT NULL,
	"refunded" numeric(20, 4) DEFAULT '0' NOT NULL,
	"financial_status" text,
	"fulfillment_status" text,
	"cancelled_at" timestamp with time zone,
	"processed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shopify_id" bigint NOT NULL,
	"title" text NOT NULL,
	"handle" text,
	"vendor" text,
	"product_type" text,
	"status" text,
	"tags" text,
	"created_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop_refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shopify_id" bigint NOT NULL,
	"order_shopify_id" bigint NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"created_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shop_variants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"brand_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"shopify_id" bigint NOT NULL,
	"product_shopify_id" bigint NOT NULL,
	"title" text,
	"sku" text,
	"price" numeric(20, 4)
);
--> statement-breakpoint
ALTER TABLE "shop_customers" ADD CONSTRAINT "shop_customers_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_customers" ADD CONSTRAINT "shop_customers_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_line_items" ADD CONSTRAINT "shop_line_items_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_line_items" ADD CONSTRAINT "shop_line_items_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD CONSTRAINT "shop_orders_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_orders" ADD CONSTRAINT "shop_orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_products" ADD CONSTRAINT "shop_products_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_products" ADD CONSTRAINT "shop_products_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_variants" ADD CONSTRAINT "shop_variants_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop_variants" ADD CONSTRAINT "shop_variants_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shop_customers_store_shopify" ON "shop_customers" USING btree ("store_id","shopify_id");--> statement-breakpoint
CREATE INDEX "shop_customers_brand_id_email_index" ON "shop_customers" USING btree ("brand_id","email");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_line_items_store_shopify" ON "shop_line_items" USING btree ("store_id","shopify_id");--> statement-breakpoint
CREATE INDEX "shop_line_items_store_id_order_shopify_id_index" ON "shop_line_items" USING btree ("store_id","order_shopify_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_orders_store_shopify" ON "shop_orders" USING btree ("store_id","shopify_id");--> statement-breakpoint
CREATE INDEX "shop_orders_brand_id_created_at_index" ON "shop_orders" USING btree ("brand_id","created_at");--> statement-breakpoint
CREATE INDEX "shop_orders_store_id_customer_shopify_id_index" ON "shop_orders" USING btree ("store_id","customer_shopify_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_products_store_shopify" ON "shop_products" USING btree ("store_id","shopify_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_refunds_store_shopify" ON "shop_refunds" USING btree ("store_id","shopify_id");--> statement-breakpoint
CREATE INDEX "shop_refunds_store_id_order_shopify_id_index" ON "shop_refunds" USING btree ("store_id","order_shopify_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shop_variants_store_shopify" ON "shop_variants" USING btree ("store_id","shopify_id");--> statement-breakpoint
CREATE INDEX "shop_variants_store_id_product_shopify_id_index" ON "shop_variants" USING btree ("store_id","product_shopify_id");