ALTER TABLE "stores" ADD COLUMN "currency" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "iana_timezone" text;--> statement-breakpoint
CREATE INDEX "shop_orders_brand_name_search" ON "shop_orders" USING btree ("brand_id","name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "shop_orders_brand_email_search" ON "shop_orders" USING btree ("brand_id",lower("email") text_pattern_ops);