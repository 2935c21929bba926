DROP INDEX "shop_line_items_store_shopify";--> statement-breakpoint
DROP INDEX "shop_refunds_store_shopify";--> statement-breakpoint
DROP INDEX "shop_variants_store_shopify";--> statement-breakpoint
ALTER TABLE "shop_line_items" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "shop_refunds" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "shop_variants" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "shop_line_items" ADD CONSTRAINT "shop_line_items_store_id_shopify_id_pk" PRIMARY KEY("store_id","shopify_id");--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_store_id_shopify_id_pk" PRIMARY KEY("store_id","shopify_id");--> statement-breakpoint
ALTER TABLE "shop_variants" ADD CONSTRAINT "shop_variants_store_id_shopify_id_pk" PRIMARY KEY("store_id","shopify_id");
