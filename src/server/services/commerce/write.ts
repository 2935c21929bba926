import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Tx } from "../../db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopVariants } from "../../db/schema";
import type { CustomerRow, OrderRows, ProductRows, RefundRow } from "./rows";

/**
 * Writes mapped rows (rows.ts) one record at a time, as webhooks and the paginated sync deliver
 * them (the bulk sync loads the same rows with COPY instead). Every write of a versioned record is
 * guarded by `updated_at`, so out-of-order deliveries never regress data.
 */

export type Store = { id: string; brandId: string };

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Per table, the columns Drizzle maps to Date (the rows carry Shopify's ISO text). */
const dateKeys = new WeakMap<PgTable, string[]>();
function timestampKeys(table: PgTable): string[] {
  let keys = dateKeys.get(table);
  if (!keys) {
    keys = Object.entries(getTableColumns(table))
      .filter(([, c]) => c.dataType === "date")
      .map(([k]) => k);
    dateKeys.set(table, keys);
  }
  return keys;
}

/** A mapped row as Drizzle takes it for `table`: owned by the store, timestamps as Dates. */
function values(table: PgTable, store: Store, row: object): Record<string, unknown> {
  const out: Record<string, unknown> = { brandId: store.brandId, storeId: store.id, ...row };
  for (const k of timestampKeys(table)) if (typeof out[k] === "string") out[k] = new Date(out[k] as string);
  return out;
}

/** `SET col = excluded.col` for every column given, so an upsert takes the incoming row. */
function fromExcluded(columns: string[]) {
  return Object.fromEntries(columns.map((c) => [c, sql.raw(`excluded.${snake(c)}`)]));
}

/** Inserts or updates a row unless the stored one is as new or newer. Returns whether it wrote. */
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

/** Writes an order with its lines and refunds, unless what is stored is as new or newer. */
export async function writeOrder(tx: Tx, store: Store, rows: OrderRows): Promise<boolean> {
  const wrote = await upsertNewer(tx, shopOrders as never, values(shopOrders, store, rows.order));
  if (!wrote) return false; // an older version of the order: its lines and refunds are older too
  const orderId = rows.order.shopifyId;
  await tx.delete(shopLineItems).where(and(eq(shopLineItems.storeId, store.id), eq(shopLineItems.orderShopifyId, orderId)));
  if (rows.lines.length) await tx.insert(shopLineItems).values(rows.lines.map((l) => values(shopLineItems, store, l) as typeof shopLineItems.$inferInsert));
  await tx.delete(shopRefunds).where(and(eq(shopRefunds.storeId, store.id), eq(shopRefunds.orderShopifyId, orderId)));
  if (rows.refunds.length) await tx.insert(shopRefunds).values(rows.refunds.map((r) => values(shopRefunds, store, r) as typeof shopRefunds.$inferInsert));
  return true;
}

/** Adds a refund to its order (kept if already there) and brings the order's refunded total up to date. */
export async function writeRefund(tx: Tx, store: Store, refund: RefundRow): Promise<void> {
  const orderId = refund.orderShopifyId;
  // The order row first, as writeOrder locks it: the same lock order keeps concurrent deliveries from deadlocking.
  await tx.execute(sql`select 1 from shop_orders where store_id = ${store.id} and shopify_id = ${orderId} for update`);
  await tx
    .insert(shopRefunds)
    .values(values(shopRefunds, store, refund) as typeof shopRefunds.$inferInsert)
    .onConflictDoNothing();
  // The order's refunded total follows its refunds (orders/updated may arrive before or after).
  await tx.execute(sql`update shop_orders set refunded = coalesce((select sum(amount) from shop_refunds where store_id = ${store.id} and order_shopify_id = ${orderId}), 0)
    where store_id = ${store.id} and shopify_id = ${orderId}`);
}

export function writeCustomer(tx: Tx, store: Store, row: CustomerRow): Promise<boolean> {
  return upsertNewer(tx, shopCustomers as never, values(shopCustomers, store, row));
}

/** Writes a product with its variants, unless what is stored is as new or newer. */
export async function writeProduct(tx: Tx, store: Store, rows: ProductRows): Promise<boolean> {
  const wrote = await upsertNewer(tx, shopProducts as never, values(shopProducts, store, rows.product));
  if (!wrote) return false;
  const productId = rows.product.shopifyId;
  await tx.delete(shopVariants).where(and(eq(shopVariants.storeId, store.id), eq(shopVariants.productShopifyId, productId)));
  if (rows.variants.length) await tx.insert(shopVariants).values(rows.variants.map((v) => values(shopVariants, store, v) as typeof shopVariants.$inferInsert));
  return true;
}

export async function deleteCustomer(tx: Tx, store: Store, shopifyId: number): Promise<void> {
  await tx.delete(shopCustomers).where(and(eq(shopCustomers.storeId, store.id), eq(shopCustomers.shopifyId, shopifyId)));
}

export async function deleteProduct(tx: Tx, store: Store, shopifyId: number): Promise<void> {
  await tx.delete(shopVariants).where(and(eq(shopVariants.storeId, store.id), eq(shopVariants.productShopifyId, shopifyId)));
  await tx.delete(shopProducts).where(and(eq(shopProducts.storeId, store.id), eq(shopProducts.shopifyId, shopifyId)));
}
