import { and, asc, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { shopCustomers, shopLineItems, shopOrders, shopRefunds, stores } from "../../db/schema";
import { requireBrandChild } from "../brands/access";
import { getShopContext } from "./shop-context";

export interface OrderFilters {
  brandId: string;
  /** Financial status (paid, refunded…). */
  status?: string | null;
  /** `only`: cancelled orders; `exclude`: orders not cancelled; otherwise both. */
  cancelled?: "only" | "exclude" | null;
  /** An order name (#1001, or 1001) or the start of an email. */
  q?: string | null;
  /** Local days (YYYY-MM-DD) in the shop's time zone, both included. */
  fromDay?: string | null;
  toDay?: string | null;
}

/** `like` pattern for text that starts with `q`: its wildcards are matched literally. */
const startsWith = (q: string) => `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The filters as SQL. Search is by prefix, so the btree pattern indexes on (brand, name) and
 * (brand, lower(email)) answer it: "1001" finds #1001 (and #10010…), "jane" finds jane@… .
 */
function orderFilters(input: OrderFilters, zone: string): SQL[] {
  const filters: SQL[] = [eq(shopOrders.brandId, input.brandId)];
  if (input.status) filters.push(eq(shopOrders.financialStatus, input.status));
  if (input.cancelled === "only") filters.push(sql`${shopOrders.cancelledAt} is not null`);
  if (input.cancelled === "exclude") filters.push(sql`${shopOrders.cancelledAt} is null`);
  const q = input.q?.trim();
  if (q) {
    const names = [startsWith(q)];
    if (/^\d+$/.test(q)) names.push(startsWith(`#${q}`));
    filters.push(sql`(${sql.join(names.map((n) => sql`${shopOrders.name} like ${n}`), sql` or `)} or lower(${shopOrders.email}) like ${startsWith(q.toLowerCase())})`);
  }
  // A local day starts at midnight in the shop's zone; `to` is the whole day, up to the next midnight.
  if (input.fromDay) filters.push(sql`${shopOrders.createdAt} >= (${input.fromDay}::date::timestamp at time zone ${zone})`);
  if (input.toDay) filters.push(sql`${shopOrders.createdAt} < ((${input.toDay}::date + 1)::timestamp at time zone ${zone})`);
  return filters;
}

/**
 * Orders newest first, a page at a time (keyset on created_at and id, fast at any depth). The first
 * page also carries how many orders match and the time zone the days are read in.
 */
export async function listOrders(
  deps: { db: Db },
  input: OrderFilters & { limit: number; cursor?: { createdAt: Date; id: string } | null },
) {
  const context = await getShopContext(deps, { brandId: input.brandId });
  const filters = orderFilters(input, context.timeZone);
  const page = [...filters];
  if (input.cursor) page.push(sql`(${shopOrders.createdAt}, ${shopOrders.id}) < (${input.cursor.createdAt.toISOString()}::timestamptz, ${input.cursor.id}::uuid)`);
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
    .where(and(...page))
    .orderBy(desc(shopOrders.createdAt), desc(shopOrders.id))
    .limit(input.limit + 1);
  const total = input.cursor ? null : await countOrders(deps, { filters, unfiltered: filters.length === 1, held: context.orders });
  const shown = rows.slice(0, input.limit);
  const last = shown.at(-1);
  return {
    orders: shown,
    nextCursor: rows.length > input.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
    /** Orders matching the filters (first page only), counted up to COUNT_LIMIT. */
    total: total?.count ?? null,
    /** The count stopped at COUNT_LIMIT: there are more. */
    totalIsLowerBound: total?.more ?? false,
    timeZone: context.timeZone,
    timeZoneSource: context.timeZoneSource,
  };
}

/** Filtered lists count at most this many matches (a count of millions would cost more than the page). */
export const COUNT_LIMIT = 10_000;

/** All of the brand's orders: the maintained counts. Filtered: counted, up to COUNT_LIMIT. */
async function countOrders(deps: { db: Db }, input: { filters: SQL[]; unfiltered: boolean; held: number }): Promise<{ count: number; more: boolean }> {
  if (input.unfiltered) return { count: input.held, more: false };
  const [row] = await deps.db.execute<{ n: number }>(sql`select count(*)::int as n from (select 1 from shop_orders where ${and(...input.filters)} limit ${COUNT_LIMIT + 1}) m`);
  const n = row?.n ?? 0;
  return { count: Math.min(n, COUNT_LIMIT), more: n > COUNT_LIMIT };
}

export interface TimelineEvent {
  kind: "created" | "processed" | "refund" | "cancelled" | "updated";
  at: Date;
  /** A refund's amount, in the order's currency. */
  amount?: string;
}

/** One order with its lines, refunds, customer and what happened to it; NOT_FOUND for another brand's. */
export async function getOrder(deps: { db: Db }, input: { brandId: string; orderId: string }) {
  const order = await requireBrandChild(deps, { brandId: input.brandId, kind: "order", id: input.orderId });
  const byOrder = (t: typeof shopLineItems | typeof shopRefunds) => and(eq(t.storeId, order.storeId), eq(t.orderShopifyId, order.shopifyId));
  const [lines, refunds, customerRows, storeRows, context, [exact]] = await Promise.all([
    deps.db
      .select({ shopifyId: shopLineItems.shopifyId, title: shopLineItems.title, sku: shopLineItems.sku, quantity: shopLineItems.quantity, price: shopLineItems.price, productShopifyId: shopLineItems.productShopifyId, lineTotal: sql<string>`(${shopLineItems.price} * ${shopLineItems.quantity})::numeric(20,2)::text` })
      .from(shopLineItems)
      .where(byOrder(shopLineItems))
      .orderBy(asc(shopLineItems.shopifyId)),
    deps.db
      .select({ shopifyId: shopRefunds.shopifyId, amount: shopRefunds.amount, createdAt: shopRefunds.createdAt })
      .from(shopRefunds)
      .where(byOrder(shopRefunds))
      .orderBy(asc(shopRefunds.createdAt), asc(shopRefunds.shopifyId)),
    order.customerShopifyId === null
      ? Promise.resolve([])
      : deps.db
          .select({
            firstName: shopCustomers.firstName,
            lastName: shopCustomers.lastName,
            email: shopCustomers.email,
            phone: shopCustomers.phone,
            orders: sql<number>`(select count(*)::int from shop_orders c where c.store_id = ${order.storeId} and c.customer_shopify_id = ${order.customerShopifyId})`,
            // The person this customer is part of (Customer360), once identity resolution has seen them.
            profileId: sql<string | null>`(select p.root_id::text from profile_identifiers i join profiles p on p.id = i.profile_id
              where i.brand_id = ${input.brandId} and i.kind = 'shopifyCustomer' and i.value = ${`${order.storeId}:${order.customerShopifyId}`})`,
          })
          .from(shopCustomers)
          .where(and(eq(shopCustomers.storeId, order.storeId), eq(shopCustomers.shopifyId, order.customerShopifyId)))
          .limit(1),
    deps.db.select({ shopDomain: stores.shopDomain }).from(stores).where(eq(stores.id, order.storeId)).limit(1),
    getShopContext(deps, { brandId: input.brandId }),
    // Net is exact decimal arithmetic: Postgres does it, not floats.
    deps.db.select({ net: sql<string>`(${shopOrders.total} - ${shopOrders.refunded})::numeric(20,2)::text` }).from(shopOrders).where(eq(shopOrders.id, order.id)),
  ]);

  const timeline: TimelineEvent[] = [{ kind: "created", at: order.createdAt }];
  if (order.processedAt && order.processedAt.getTime() !== order.createdAt.getTime()) timeline.push({ kind: "processed", at: order.processedAt });
  for (const r of refunds) if (r.createdAt) timeline.push({ kind: "refund", at: r.createdAt, amount: r.amount });
  if (order.cancelledAt) timeline.push({ kind: "cancelled", at: order.cancelledAt });
  if (order.updatedAt.getTime() > Math.max(...timeline.map((e) => e.at.getTime()))) timeline.push({ kind: "updated", at: order.updatedAt });
  timeline.sort((a, b) => a.at.getTime() - b.at.getTime());

  const customer = customerRows[0];
  return {
    order: {
      id: order.id,
      shopifyId: order.shopifyId,
      name: order.name,
      email: order.email,
      phone: order.phone,
      currency: order.currency,
      subtotal: order.subtotal,
      tax: order.tax,
      discounts: order.discounts,
      total: order.total,
      refunded: order.refunded,
      /** Exact: the total less what was refunded. */
      net: exact?.net ?? null,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelledAt: order.cancelledAt,
      processedAt: order.processedAt,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    },
    shopDomain: storeRows[0]?.shopDomain ?? null,
    lines,
    refunds,
    customer: customer
      ? { name: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || null, email: customer.email, phone: customer.phone, orders: customer.orders, profileId: customer.profileId }
      : null,
    timeline,
    timeZone: context.timeZone,
  };
}
