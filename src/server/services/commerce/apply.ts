import { and, eq, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db, Tx } from "../../db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopVariants, stores } from "../../db/schema";
import { customerBody, deletedBody, orderBody, parseBody, productBody, refundBody, sumAmounts } from "./payloads";

export type Store = { id: string; brandId: string };

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `SET col = excluded.col` for every column given, so an upsert takes the incoming row. */
function fromExcluded(columns: string[]) {
  return Object.fromEntries(columns.map((c) => [c, sql.raw(`excluded.${snake(c)}`)]));
}

/** Inserts or updates a row unless the stored one is as new or newer (out-of-order deliveries never regress data). Returns whether it wrote. */
async function upsertNewer(tx: Tx, table: PgTable & { storeId: never; shopifyId: never; updatedAt: never }, row: Record<string, unknown>): Promise<boolean> {
  const t = table as unknown as { storeId: never; shopifyId: never; updatedAt: never };
  const written = await tx
    .insert(table)
    .values(row as never)
    .onConflictDoUpdate({
      target: [t.storeId, t.shopifyId],
      set: fromExcluded(Object.keys(row).filter((k) => k !== "storeId" && k !== "shopifyId" && k !== "brandId")),
      setWhere: sql`${t.updatedAt} < excluded.updated_at`,
    })
    .returning();
  return written.length > 0;
}

async function connectedStores(db: Db, shopDomain: string): Promise<Store[]> {
  return db.select({ id: stores.id, brandId: stores.brandId }).from(stores).where(and(eq(stores.shopDomain, shopDomain), eq(stores.status, "connected")));
}

/** An order as we store it, whichever API it came from (webhook REST body or GraphQL). */
export interface OrderRows {
  order: {
    shopifyId: number;
    name: string | null;
    email: string | null;
    phone: string | null;
    customerShopifyId: number | null;
    currency: string;
    subtotal: string | null;
    tax: string | null;
    discounts: string | null;
    total: string;
    refunded: string;
    financialStatus: string | null;
    fulfillmentStatus: string | null;
    cancelledAt: Date | null;
    processedAt: Date | null;
    createdAt: Date;
    updatedAt: Date;
  };
  lines: { shopifyId: number; productShopifyId: number | null; variantShopifyId: number | null; title: string | null; sku: string | null; quantity: number; price: string }[];
  refunds: { shopifyId: number; amount: string; createdAt: Date | null }[];
}

/** Writes an order with its lines and refunds, unless what is stored is as new or newer. */
export async function writeOrder(tx: Tx, store: Store, rows: OrderRows): Promise<boolean> {
  const owner = { brandId: store.brandId, storeId: store.id };
  const wrote = await upsertNewer(tx, shopOrders as never, { ...owner, ...rows.order });
  if (!wrote) return false; // an older version of the order: its lines and refunds are older too
  const orderId = rows.order.shopifyId;
  await tx.delete(shopLineItems).where(and(eq(shopLineItems.storeId, store.id), eq(shopLineItems.orderShopifyId, orderId)));
  if (rows.lines.length) await tx.insert(shopLineItems).values(rows.lines.map((l) => ({ ...owner, orderShopifyId: orderId, ...l })));
  await tx.delete(shopRefunds).where(and(eq(shopRefunds.storeId, store.id), eq(shopRefunds.orderShopifyId, orderId)));
  if (rows.refunds.length) await tx.insert(shopRefunds).values(rows.refunds.map((r) => ({ ...owner, orderShopifyId: orderId, ...r })));
  return true;
}

async function applyOrder(tx: Tx, store: Store, body: unknown, topic: string): Promise<void> {
  const o = parseBody(orderBody, body, topic);
  await writeOrder(tx, store, {
    order: {
      shopifyId: o.id,
      name: o.name ?? null,
      email: o.email ?? null,
      phone: o.phone ?? null,
      customerShopifyId: o.customer?.id ?? null,
      currency: o.currency,
      subtotal: o.subtotal_price ?? null,
      tax: o.total_tax ?? null,
      discounts: o.total_discounts ?? null,
      total: o.total_price,
      refunded: sumAmounts(o.refunds.flatMap((r) => r.transactions.filter((t) => t.kind !== "sale").map((t) => t.amount))),
      financialStatus: o.financial_status ?? null,
      fulfillmentStatus: o.fulfillment_status ?? null,
      cancelledAt: o.cancelled_at ? new Date(o.cancelled_at) : null,
      processedAt: o.processed_at ? new Date(o.processed_at) : null,
      createdAt: new Date(o.created_at),
      updatedAt: new Date(o.updated_at),
    },
    lines: o.line_items.map((l) => ({ shopifyId: l.id, productShopifyId: l.product_id ?? null, variantShopifyId: l.variant_id ?? null, title: l.title ?? null, sku: l.sku ?? null, quantity: l.quantity, price: l.price })),
    refunds: o.refunds.map((r) => ({ shopifyId: r.id, amount: sumAmounts(r.transactions.map((t) => t.amount)), createdAt: r.created_at ? new Date(r.created_at) : null })),
  });
}

async function applyRefund(tx: Tx, store: Store, body: unknown, topic: string): Promise<void> {
  const r = parseBody(refundBody, body, topic);
  // The order row first, as writeOrder locks it: the same lock order keeps concurrent deliveries from deadlocking.
  await tx.execute(sql`select 1 from shop_orders where store_id = ${store.id} and shopify_id = ${r.order_id} for update`);
  await tx
    .insert(shopRefunds)
    .values({ brandId: store.brandId, storeId: store.id, shopifyId: r.id, orderShopifyId: r.order_id, amount: sumAmounts(r.transactions.map((t) => t.amount)), createdAt: r.created_at ? new Date(r.created_at) : null })
    .onConflictDoNothing();
  // The order's refunded total follows its refunds (orders/updated may arrive before or after).
  await tx.execute(sql`update shop_orders set refunded = coalesce((select sum(amount) from shop_refunds where store_id = ${store.id} and order_shopify_id = ${r.order_id}), 0)
    where store_id = ${store.id} and shopify_id = ${r.order_id}`);
}

export interface CustomerRow {
  shopifyId: number;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  tags: string | null;
  emailConsent: string | null;
  smsConsent: string | null;
  createdAt: Date | null;
  updatedAt: Date;
}

export function writeCustomer(tx: Tx, store: Store, row: CustomerRow): Promise<boolean> {
  return upsertNewer(tx, shopCustomers as never, { brandId: store.brandId, storeId: store.id, ...row, email: row.email?.toLowerCase() ?? null });
}

async function applyCustomer(tx: Tx, store: Store, body: unknown, topic: string): Promise<void> {
  const c = parseBody(customerBody, body, topic);
  await writeCustomer(tx, store, {
    shopifyId: c.id,
    email: c.email ?? null,
    phone: c.phone ?? null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    // REST sends "" for no tags; stored as the GraphQL paths store it (null), whichever path wrote last.
    tags: c.tags || null,
    emailConsent: c.email_marketing_consent?.state ?? null,
    smsConsent: c.sms_marketing_consent?.state ?? null,
    createdAt: c.created_at ? new Date(c.created_at) : null,
    updatedAt: new Date(c.updated_at),
  });
}

export interface ProductRows {
  product: { shopifyId: number; title: string; handle: string | null; vendor: string | null; productType: string | null; status: string | null; tags: string | null; createdAt: Date | null; updatedAt: Date };
  variants: { shopifyId: number; title: string | null; sku: string | null; price: string | null }[];
}

export async function writeProduct(tx: Tx, store: Store, rows: ProductRows): Promise<boolean> {
  const owner = { brandId: store.brandId, storeId: store.id };
  const wrote = await upsertNewer(tx, shopProducts as never, { ...owner, ...rows.product });
  if (!wrote) return false;
  const productId = rows.product.shopifyId;
  await tx.delete(shopVariants).where(and(eq(shopVariants.storeId, store.id), eq(shopVariants.productShopifyId, productId)));
  if (rows.variants.length) await tx.insert(shopVariants).values(rows.variants.map((v) => ({ ...owner, productShopifyId: productId, ...v })));
  return true;
}

async function applyProduct(tx: Tx, store: Store, body: unknown, topic: string): Promise<void> {
  const p = parseBody(productBody, body, topic);
  await writeProduct(tx, store, {
    product: {
      shopifyId: p.id,
      title: p.title,
      handle: p.handle ?? null,
      vendor: p.vendor ?? null,
      productType: p.product_type ?? null,
      status: p.status ?? null,
      tags: p.tags || null,
      createdAt: p.created_at ? new Date(p.created_at) : null,
      updatedAt: new Date(p.updated_at),
    },
    variants: p.variants.map((v) => ({ shopifyId: v.id, title: v.title ?? null, sku: v.sku ?? null, price: v.price ?? null })),
  });
}

async function applyDelete(tx: Tx, store: Store, body: unknown, topic: string): Promise<void> {
  const { id } = parseBody(deletedBody, body, topic);
  if (topic === "customers/delete") {
    await tx.delete(shopCustomers).where(and(eq(shopCustomers.storeId, store.id), eq(shopCustomers.shopifyId, id)));
  } else {
    await tx.delete(shopVariants).where(and(eq(shopVariants.storeId, store.id), eq(shopVariants.productShopifyId, id)));
    await tx.delete(shopProducts).where(and(eq(shopProducts.storeId, store.id), eq(shopProducts.shopifyId, id)));
  }
}

const HANDLERS: Record<string, (tx: Tx, store: Store, body: unknown, topic: string) => Promise<void>> = {
  "orders/create": applyOrder,
  "orders/updated": applyOrder,
  "orders/cancelled": applyOrder,
  "refunds/create": applyRefund,
  "customers/create": applyCustomer,
  "customers/update": applyCustomer,
  "customers/delete": applyDelete,
  "products/create": applyProduct,
  "products/update": applyProduct,
  "products/delete": applyDelete,
};

export function isDataTopic(topic: string): boolean {
  return Object.hasOwn(HANDLERS, topic);
}

/** Applies a data webhook to every brand that has this shop connected, in one transaction. */
export async function applyDataWebhook(deps: { db: Db }, input: { shopDomain: string; topic: string; body: unknown }): Promise<number> {
  const handler = HANDLERS[input.topic];
  if (!handler) throw new Error(`No handler for ${input.topic}`);
  const targets = await connectedStores(deps.db, input.shopDomain);
  await deps.db.transaction(async (tx) => {
    for (const store of targets) await handler(tx, store, input.body, input.topic);
  });
  return targets.length;
}
