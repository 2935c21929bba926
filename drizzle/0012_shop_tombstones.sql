CREATE TABLE "shop_tombstones" (
	"store_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"shopify_id" bigint NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "shop_tombstones_store_id_entity_shopify_id_pk" PRIMARY KEY("store_id","entity","shopify_id")
);
--> statement-breakpoint
ALTER TABLE "shop_tombstones" ADD CONSTRAINT "shop_tombstones_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;