import { and, eq, ilike, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ALL_TIME_START, shopProducts, stores } from "../../db/schema";

export const PRODUCT_SORTS = ["title", "units", "price-asc", "price-desc", "newest"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

const minPrice = sql`(select min(v.price) from shop_variants v where v.store_id = "shop_products"."store_id" and v.product_shopify_id = "shop_products"."shopify_id")`;
const maxPrice = sql`(select max(v.price) from shop_variants v where v.store_id = "shop_products"."store_id" and v.product_shopify_id = "shop_products"."shopify_id")`;
// Maintained all-time units (product_sales, db/schema/summaries.ts): one key lookup per product.
const unitsSold = sql`coalesce((select s.units from product_sales s where s.store_id = "shop_products"."store_id" and s.grain = 'all' and s.period_start = ${ALL_TIME_START}::date and s.product_shopify_id = "shop_products"."shopify_id"), 0)`;

/** Each sort ends on title and id, so pages never overlap or skip. */
const ORDER_BY: Record<ProductSort, SQL> = {
  title: sql`${shopProducts.title} asc, ${shopProducts.id} asc`,
  units: sql`${unitsSold} desc, ${shopProducts.title} asc, ${shopProducts.id} asc`,
  "price-asc": sql`${minPrice} asc nulls last, ${shopProducts.title} asc, ${shopProducts.id} asc`,
  "price-desc": sql`${maxPrice} desc nulls last, ${shopProducts.title} asc, ${shopProducts.id} asc`,
  newest: sql`${shopProducts.createdAt} desc nulls last, ${shopProducts.title} asc, ${shopProducts.id} asc`,
};

/**
 * Products with their variants' price range (in their shop's currency) and units sold, searched by
 * title or vendor and sorted; a page at a time by offset (a brand's catalog is
 * thousands of rows, and units sold is computed, so there is no index to walk anyway).
 */
export async function listProducts(deps: { db: Db }, input: { brandId: string; limit: number; cursor?: number | null; q?: string | null; sort?: ProductSort | null }) {
  const filters = [eq(shopProducts.brandId, input.brandId)];
  const q = input.q?.trim();
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(sql`(${ilike(shopProducts.title, pattern)} or ${ilike(shopProducts.vendor, pattern)})`);
  }
  const offset = input.cursor ?? 0;
  const rows = await deps.db
    .select({
      id: shopProducts.id,
      title: shopProducts.title,
      vendor: shopProducts.vendor,
      status: shopProducts.status,
      createdAt: shopProducts.createdAt,
      currency: stores.currency,
      variants: sql<number>`(select count(*)::int from shop_variants v where v.store_id = "shop_products"."store_id" and v.product_shopify_id = "shop_products"."shopify_id")`,
      minPrice: sql<string | null>`${minPrice}::numeric(20,2)::text`,
      maxPrice: sql<string | null>`${maxPrice}::numeric(20,2)::text`,
      unitsSold: sql<number>`${unitsSold}::int`,
    })
    .from(shopProducts)
    .innerJoin(stores, eq(stores.id, shopProducts.storeId))
    .where(and(...filters))
    .orderBy(ORDER_BY[input.sort ?? "title"])
    .limit(input.limit + 1)
    .offset(offset);
  const total = offset === 0 ? ((await deps.db.select({ n: sql<number>`count(*)::int` }).from(shopProducts).where(and(...filters)))[0]?.n ?? 0) : null;
  return { products: rows.slice(0, input.limit), nextCursor: rows.length > input.limit ? offset + input.limit : null, total };
}
