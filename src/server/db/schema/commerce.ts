import { sql } from "drizzle-orm";
import { bigint, index, integer, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { brands } from "./brands";
import { stores } from "./shopify";

// A brand's Shopify data, per connected store. Shopify ids are the natural keys (unique per store);
// money is exact (numeric, with its currency); `updatedAt` is Shopify's, so older news never wins.
// Rows only ever reached through their parent (variants, line items, refunds) have the natural key
// as primary key and no surrogate id: a random uuid index roughly doubled the cost of a bulk load.
// Line items and refunds are keyed under their order (Shopify ids are global and never move between
// orders), so one index serves both the key and "this order's lines".

const money = () => numeric({ precision: 20, scale: 4 });
/** The brand and store a row belongs to (deleted with them). */
export const brandAndStore = () => ({
  brandId: uuid()
    .notNull()
    .references(() => brands.id, { onDelete: "cascade" }),
  storeId: uuid()
    .notNull()
    .references(() => stores.id, { onDelete: "cascade" }),
});
/** A Shopify id: exact as a bigint end to end (Shopify's ids reach 18 digits, beyond a JS number). */
const shopifyIdColumn = () => bigint({ mode: "bigint" });
const owner = () => ({ ...brandAndStore(), shopifyId: shopifyIdColumn().notNull() });

export const shopCustomers = pgTable(
  "shop_customers",
  {
    id: uuid().primaryKey().defaultRandom(),
    ...owner(),
    email: text(),
    phone: text(),
    firstName: text(),
    lastName: text(),
    tags: text(),
    emailConsent: text(),
    smsConsent: text(),
    createdAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("shop_customers_store_shopify").on(t.storeId, t.shopifyId), index().on(t.brandId, t.email)],
);

export const shopProducts = pgTable(
  "shop_products",
  {
    id: uuid().primaryKey().defaultRandom(),
    ...owner(),
    title: text().notNull(),
    handle: text(),
    vendor: text(),
    productType: text(),
    status: text(),
    tags: text(),
    createdAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("shop_products_store_shopify").on(t.storeId, t.shopifyId)],
);

export const shopVariants = pgTable(
  "shop_variants",
  {
    ...owner(),
    productShopifyId: shopifyIdColumn().notNull(),
    title: text(),
    sku: text(),
    price: money(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.shopifyId] }), index().on(t.storeId, t.productShopifyId)],
);

export const shopOrders = pgTable(
  "shop_orders",
  {
    id: uuid().primaryKey().defaultRandom(),
    ...owner(),
    name: text(),
    email: text(),
    phone: text(),
    customerShopifyId: shopifyIdColumn(),
    currency: text().notNull(),
    subtotal: money(),
    tax: money(),
    discounts: money(),
    total: money().notNull(),
    refunded: money().notNull().default("0"),
    financialStatus: text(),
    fulfillmentStatus: text(),
    cancelledAt: timestamp({ withTimezone: true }),
    processedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("shop_orders_store_shopify").on(t.storeId, t.shopifyId),
    index().on(t.brandId, t.createdAt),
    index().on(t.storeId, t.customerShopifyId),
    // The Orders page's search: an order name or the start of an email (prefix matches, so btree pattern ops).
    index("shop_orders_brand_name_search").on(t.brandId, sql`${t.name} text_pattern_ops`),
    index("shop_orders_brand_email_search").on(t.brandId, sql`lower(${t.email}) text_pattern_ops`),
  ],
);

export const shopLineItems = pgTable(
  "shop_line_items",
  {
    ...owner(),
    orderShopifyId: shopifyIdColumn().notNull(),
    productShopifyId: shopifyIdColumn(),
    variantShopifyId: shopifyIdColumn(),
    title: text(),
    sku: text(),
    quantity: integer().notNull(),
    price: money().notNull(),
  },
  // Keyed under their order: the one index serves "this order's lines" and the natural key alike.
  // Lines by product serve the Products page (units sold per product) without a scan per row.
  (t) => [primaryKey({ columns: [t.storeId, t.orderShopifyId, t.shopifyId] }), index().on(t.storeId, t.productShopifyId)],
);

export const shopRefunds = pgTable(
  "shop_refunds",
  {
    ...owner(),
    orderShopifyId: shopifyIdColumn().notNull(),
    amount: money().notNull(),
    createdAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.orderShopifyId, t.shopifyId] })],
);

/**
 * A record Shopify deleted (`customers/delete`, `products/delete`, `orders/delete`) or asked us to
 * erase (`customers/redact`: the customer, and the customer's orders' contact details), so it cannot
 * come back: a delivery that arrives late or out of order, an export or a page read before the
 * deletion. Every writer of the three tables refuses a version whose `updated_at` is not newer than
 * `deletedAt` (Shopify's time of the deletion: the delivery's `X-Shopify-Triggered-At`, or when we
 * received it); for an order redacted with its customer, such a version is written without the
 * contact details instead. Written in the transaction of the deletion, by `commerce/write.ts`.
 */
export const shopTombstones = pgTable(
  "shop_tombstones",
  {
    storeId: uuid()
      .notNull()
      .references(() => stores.id, { onDelete: "cascade" }),
    entity: text({ enum: ["orders", "customers", "products"] }).notNull(),
    shopifyId: shopifyIdColumn().notNull(),
    deletedAt: timestamp({ withTimezone: true }).notNull(),
    /** `deleted`: no version up to `deletedAt` is written; `redacted` (customers/redact): orders are written without contact details, customers not at all. */
    reason: text({ enum: ["deleted", "redacted"] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.entity, t.shopifyId] })],
);

/**
 * How many orders, customers and products each store holds, kept current as rows land: statement
 * triggers on the three tables (migration `store_counts_triggers`) append one signed delta per
 * store and statement — whichever writer it was (promotion, webhooks, reconciliation, redaction) —
 * so pages read a few rows instead of counting millions. `listStores` sums and compacts them.
 * Append-only (no row to lock), so the counts never make writers wait (a store's order writers take
 * turns for the maintained summaries instead: db/schema/summaries.ts); no foreign key,
 * so a store's cascade delete can still append its last deltas (orphans are summed by no one).
 */
export const storeCountDeltas = pgTable(
  "store_count_deltas",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    storeId: uuid().notNull(),
    entity: text({ enum: ["orders", "customers", "products"] }).notNull(),
    delta: bigint({ mode: "number" }).notNull(),
  },
  (t) => [index().on(t.storeId)],
);
