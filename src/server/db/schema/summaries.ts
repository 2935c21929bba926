import { bigint, date, index, integer, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { brandAndStore } from "./commerce";

// Maintained summaries of a store's orders, so a page reads hundreds of rows rather than millions.
// Written only by statement triggers on shop_orders and shop_line_items (migration
// `0017_maintained_summaries`), in the transaction of the rows they summarise, whichever writer
// it was: promotion, webhooks, the paginated sync, deletions, redactions. A day is a calendar day
// in the store's own time zone (Shopify's `ianaTimezone`; UTC while unknown); a change of zone
// rebuilds the store's summaries. `services/analytics/summaries.ts` reads them and recounts them.

const money = () => numeric({ precision: 20, scale: 4 });

/** Orders and their money per store, currency and local day. */
export const salesDays = pgTable(
  "sales_days",
  {
    ...brandAndStore(),
    currency: text().notNull(),
    day: date().notNull(),
    orders: integer().notNull(),
    /** Orders without a customer. */
    guestOrders: integer().notNull(),
    gross: money().notNull(),
    refunded: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.currency, t.day] }), index().on(t.brandId, t.day)],
);

/**
 * Each customer's orders at a glance, per store: how many, first, last and the one before the last
 * (two orders in a period ending now ⇔ the one before the last is in it), and net lifetime value
 * (total less refunds) in the currency of their latest order.
 */
export const customerOrderSummaries = pgTable(
  "customer_order_summaries",
  {
    ...brandAndStore(),
    customerShopifyId: bigint({ mode: "bigint" }).notNull(),
    orders: integer().notNull(),
    firstOrderAt: timestamp({ withTimezone: true }).notNull(),
    lastOrderAt: timestamp({ withTimezone: true }).notNull(),
    previousOrderAt: timestamp({ withTimezone: true }),
    currency: text().notNull(),
    net: money().notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.customerShopifyId] }), index().on(t.brandId, t.lastOrderAt)],
);

/**
 * Per store and local day, how many customers' first, last and previous-to-last orders fall on it:
 * for a period ending now, customers who ordered = last orders since its start, new = first orders,
 * ordered twice or more = previous-to-last orders.
 */
export const customerDays = pgTable(
  "customer_days",
  {
    ...brandAndStore(),
    day: date().notNull(),
    firstOrders: integer().notNull(),
    lastOrders: integer().notNull(),
    previousOrders: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.day] }), index().on(t.brandId, t.day)],
);

/** The grains product sales are kept at: a local day, its month, and all time. */
export const PRODUCT_SALES_GRAINS = ["day", "month", "all"] as const;
/** `periodStart` of the all-time rows. */
export const ALL_TIME_START = "1970-01-01";

/**
 * Units sold and orders per product, at three grains, so any period is a few thousand rows: its
 * whole months plus the days of a partial one; all time is one row per product. Day rows are kept
 * for the last 400 days (`product_day_horizon()`): no period reads older ones. Lines without a
 * product (custom items) are under product 0.
 */
export const productSales = pgTable(
  "product_sales",
  {
    ...brandAndStore(),
    grain: text({ enum: PRODUCT_SALES_GRAINS }).notNull(),
    periodStart: date().notNull(),
    productShopifyId: bigint({ mode: "bigint" }).notNull(),
    units: integer().notNull(),
    orders: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.grain, t.periodStart, t.productShopifyId] })],
);
