DROP INDEX "shop_line_items_store_id_order_shopify_id_index";--> statement-breakpoint
DROP INDEX "shop_refunds_store_id_order_shopify_id_index";--> statement-breakpoint
ALTER TABLE "shop_line_items" DROP CONSTRAINT "shop_line_items_store_id_shopify_id_pk";--> statement-breakpoint
ALTER TABLE "shop_refunds" DROP CONSTRAINT "shop_refunds_store_id_shopify_id_pk";--> statement-breakpoint
ALTER TABLE "shop_line_items" ADD CONSTRAINT "shop_line_items_store_id_order_shopify_id_shopify_id_pk" PRIMARY KEY("store_id","order_shopify_id","shopify_id");--> statement-breakpoint
ALTER TABLE "shop_refunds" ADD CONSTRAINT "shop_refunds_store_id_order_shopify_id_shopify_id_pk" PRIMARY KEY("store_id","order_shopify_id","shopify_id");