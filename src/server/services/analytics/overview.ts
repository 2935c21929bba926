import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { shopLineItems, shopOrders, shopProducts } from "../../db/schema";

export interface OverviewInput {
  brandId: string;
  /** Null: all time (from the brand's first order). */
  from: Date | null;
  to: Date;
}

async function firstOrderDay(db: Db, brandId: string): Promise<Date | null> {
  const [row] = await db.select({ first: sql<string | null>`min(${shopOrders.createdAt})::text` }).from(shopOrders).where(eq(shopOrders.brandId, brandId));
  if (!row?.first) return null;
  const first = new Date(row.first);
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate()));
}

/** Money stays exact: sums are numeric in SQL and travel as decimal strings. */
export interface CurrencyTotals {
  currency: string;
  orders: number;
  gross: string;
  refunded: string;
  net: string;
  aov: string;
}

/**
 * A brand's sales over a period, from the synced tables: totals per currency (gross and net of
 * refunds, AOV), revenue per day for the main currency, top products, new vs returning customers.
 */
export async function getOverview(deps: { db: Db }, period: OverviewInput) {
  const input = { ...period, from: period.from ?? (await firstOrderDay(deps.db, period.brandId)) ?? new Date(period.to.getTime() - 30 * 86_400_000) };
  const inPeriod = and(eq(shopOrders.brandId, input.brandId), gte(shopOrders.createdAt, input.from), lt(shopOrders.createdAt, input.to));

  const totals = await deps.db
    .select({
      currency: shopOrders.currency,
      orders: sql<number>`count(*)::int`,
      gross: sql<string>`coalesce(sum(${shopOrders.total}), 0)::numeric(20,2)::text`,
      refunded: sql<string>`coalesce(sum(${shopOrders.refunded}), 0)::numeric(20,2)::text`,
      net: sql<string>`coalesce(sum(${shopOrders.total} - ${shopOrders.refunded}), 0)::numeric(20,2)::text`,
      aov: sql<string>`coalesce(avg(${shopOrders.total}), 0)::numeric(20,2)::text`,
    })
    .from(shopOrders)
    .where(inPeriod)
    .groupBy(shopOrders.currency)
    .orderBy(desc(sql`count(*)`));

  const main = totals[0]?.currency ?? null;
  const from = input.from.toISOString();
  const to = input.to.toISOString();
  // Every day of the period, zero where nothing sold, so the chart does not draw across gaps.
  // (Raw SQL gets timestamps as ISO text: the driver takes no Date in untyped parameters.)
  const daily = main
    ? await deps.db.execute<{ day: string; orders: number; gross: string; net: string }>(sql`
        select to_char(d.day, 'YYYY-MM-DD') as day, count(o.id)::int as orders,
          coalesce(sum(o.total), 0)::numeric(20,2)::text as gross,
          coalesce(sum(o.total - o.refunded), 0)::numeric(20,2)::text as net
        from generate_series(date_trunc('day', ${from}::timestamptz at time zone 'UTC'), date_trunc('day', ${to}::timestamptz at time zone 'UTC'), interval '1 day') as d(day)
        left join shop_orders o on o.brand_id = ${input.brandId} and o.currency = ${main}
          and date_trunc('day', o.created_at at time zone 'UTC') = d.day
          and o.created_at >= ${from}::timestamptz and o.created_at < ${to}::timestamptz
        group by d.day order by d.day`)
    : [];

  const topProducts = await deps.db
    .select({
      productShopifyId: shopLineItems.productShopifyId,
      title: sql<string>`coalesce(max(${shopProducts.title}), max(${shopLineItems.title}), 'Unknown product')`,
      quantity: sql<number>`sum(${shopLineItems.quantity})::int`,
      orders: sql<number>`count(distinct ${shopLineItems.orderShopifyId})::int`,
    })
    .from(shopLineItems)
    .innerJoin(shopOrders, and(eq(shopOrders.storeId, shopLineItems.storeId), eq(shopOrders.shopifyId, shopLineItems.orderShopifyId)))
    .leftJoin(shopProducts, and(eq(shopProducts.storeId, shopLineItems.storeId), eq(shopProducts.shopifyId, shopLineItems.productShopifyId)))
    .where(inPeriod)
    .groupBy(shopLineItems.productShopifyId)
    .orderBy(desc(sql`sum(${shopLineItems.quantity})`))
    .limit(5);

  // New: the customer's first known order falls in the period. Returning: they ordered before it.
  const [customers] = await deps.db.execute<{ new_customers: number; returning_customers: number; guests: number }>(sql`
    with firsts as (
      select store_id, customer_shopify_id, min(created_at) as first_at
      from shop_orders where brand_id = ${input.brandId} and customer_shopify_id is not null
      group by store_id, customer_shopify_id
    )
    select
      count(distinct (o.store_id, o.customer_shopify_id)) filter (where f.first_at >= ${from}::timestamptz)::int as new_customers,
      count(distinct (o.store_id, o.customer_shopify_id)) filter (where f.first_at < ${from}::timestamptz)::int as returning_customers,
      count(*) filter (where o.customer_shopify_id is null)::int as guests
    from shop_orders o
    left join firsts f on f.store_id = o.store_id and f.customer_shopify_id = o.customer_shopify_id
    where o.brand_id = ${input.brandId} and o.created_at >= ${from}::timestamptz and o.created_at < ${to}::timestamptz
  `);

  return {
    period: { from: input.from, to: input.to },
    totals: totals as CurrencyTotals[],
    mainCurrency: main,
    daily: [...daily],
    topProducts,
    customers: { new: customers?.new_customers ?? 0, returning: customers?.returning_customers ?? 0, guestOrders: customers?.guests ?? 0 },
  };
}

/** Orders newest first, a page at a time (keyset on created_at and id, fast at any depth). */
export async function listOrders(
  deps: { db: Db },
  input: { brandId: string; limit: number; cursor?: { createdAt: Date; id: string } | null; status?: string | null; from?: Date | null; to?: Date | null },
) {
  const filters = [eq(shopOrders.brandId, input.brandId)];
  if (input.status) filters.push(eq(shopOrders.financialStatus, input.status));
  if (input.from) filters.push(gte(shopOrders.createdAt, input.from));
  if (input.to) filters.push(lt(shopOrders.createdAt, input.to));
  if (input.cursor) filters.push(sql`(${shopOrders.createdAt}, ${shopOrders.id}) < (${input.cursor.createdAt.toISOString()}::timestamptz, ${input.cursor.id}::uuid)`);
  const rows = await deps.db
    .select({
      id: shopOrders.id,
      name: shopOrders.name,
      email: shopOrders.email,
      currency: shopOrders.currency,
      total: shopOrders.total,
      refunded: shopOrders.refunded,
      financialStatus: shopOrders.financialStatus,
      fulfillmentStatus: shopOrders.fulfillmentStatus,
      cancelledAt: shopOrders.cancelledAt,
      createdAt: shopOrders.createdAt,
      lines: sql<number>`(select count(*)::int from shop_line_items l where l.store_id = "shop_orders"."store_id" and l.order_shopify_id = "shop_orders"."shopify_id")`,
    })
    .from(shopOrders)
    .where(and(...filters))
    .orderBy(desc(shopOrders.createdAt), desc(shopOrders.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { orders: page, nextCursor: rows.length > input.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** Products with their variants' price range and units sold, by title (keyset on title and id). */
export async function listProducts(deps: { db: Db }, input: { brandId: string; limit: number; cursor?: { title: string; id: string } | null }) {
  const filters = [eq(shopProducts.brandId, input.brandId)];
  if (input.cursor) filters.push(sql`(${shopProducts.title}, ${shopProducts.id}) > (${input.cursor.title}, ${input.cursor.id}::uuid)`);
  const rows = await deps.db
    .select({
      id: shopProducts.id,
      title: shopProducts.title,
      vendor: shopProducts.vendor,
      status: shopProducts.status,
      variants: sql<number>`(select count(*)::int from shop_variants v where v.store_id = "shop_products"."store_id" and v.product_shopify_id = "shop_products"."shopify_id")`,
      minPrice: sql<string | null>`(select min(v.price)::numeric(20,2)::text from shop_variants v where v.store_id = "shop_products"."store_id" and v.product_shopify_id = "shop_products"."shopify_id")`,
      maxPrice: sql<string | null>`(select max(v.price)::numeric(20,2)::text from shop_variants v where v.store_id = "shop_products"."store_id" and v.product_shopify_id = "shop_products"."shopify_id")`,
      unitsSold: sql<number>`(select coalesce(sum(l.quantity), 0)::int from shop_line_items l where l.store_id = "shop_products"."store_id" and l.product_shopify_id = "shop_products"."shopify_id")`,
    })
    .from(shopProducts)
    .where(and(...filters))
    .orderBy(shopProducts.title, shopProducts.id)
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { products: page, nextCursor: rows.length > input.limit && last ? { title: last.title, id: last.id } : null };
}
