import { and, eq, getTableColumns, inArray, lte, or, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Tx } from "../../db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopTombstones, shopVariants } from "../../db/schema";
import type { CustomerRow, OrderRows, ProductRows, RefundRow } from "./rows";
import { clearTombstone, lockRecords, ORDER_CONTACT_COLUMNS, orderDeleted, type RecordEntity, tombstoneVerdict, type Verdict, writeTombstones } from "./tombstones";

/**
 * Writes mapped rows (rows.ts) one record at a time, as webhooks and the paginated sync deliver
 * them (the bulk sync loads the same rows with COPY instead), and the deletions and redactions that
 * remove them. Every write of a versioned record is guarded by `updated_at`, so out-of-order
 * deliveries never regress data, and by the record's tombstone (tombstones.ts), so they never bring
 * back a deleted one.
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

/** An order's contact details as customers/redact leaves them. */
const withoutContacts = Object.fromEntries(ORDER_CONTACT_COLUMNS.map((c) => [c, null])) as Record<(typeof ORDER_CONTACT_COLUMNS)[number], null>;

/**
 * Writes a record's row unless its tombstone, or the stored row, is as new or newer; an order
 * redacted no earlier than this version loses its contact details. Returns whether it wrote.
 */
async function writeRecord<R extends { shopifyId: bigint; updatedAt: string }>(
  tx: Tx,
  store: Store,
  entity: RecordEntity,
  table: PgTable,
  row: R,
  customerShopifyId?: bigint | null,
): Promise<boolean> {
  await lockRecords(tx, store.id, entity, "write");
  const verdict: Verdict = await tombstoneVerdict(tx, { storeId: store.id, entity, shopifyId: row.shopifyId, updatedAt: row.updatedAt, customerShopifyId });
  if (verdict.action === "refuse") return false;
  const written = verdict.action === "withoutContacts" ? { ...row, ...withoutContacts } : row;
  const wrote = await upsertNewer(tx, table as never, values(table, store, written));
  if (wrote && verdict.supersedes) await clearTombstone(tx, store.id, entity, row.shopifyId);
  return wrote;
}

/** Writes an order with its lines and refunds, unless what is stored, or its tombstone, is as new or newer. */
export async function writeOrder(tx: Tx, store: Store, rows: OrderRows): Promise<boolean> {
  const wrote = await writeRecord(tx, store, "orders", shopOrders, rows.order, rows.order.customerShopifyId);
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
  await lockRecords(tx, store.id, "orders", "write");
  const orderId = refund.orderShopifyId;
  // The order row first, as writeOrder locks it: the same lock order keeps concurrent deliveries from deadlocking.
  const locked = await tx.execute(sql`select 1 from shop_orders where store_id = ${store.id} and shopify_id = ${orderId} for update`);
  // A refund may come before its order (kept for it), but not after the order was deleted.
  if (!locked.length && (await orderDeleted(tx, store.id, orderId))) return;
  await tx
    .insert(shopRefunds)
    .values(values(shopRefunds, store, refund) as typeof shopRefunds.$inferInsert)
    .onConflictDoNothing();
  // The order's refunded total follows its refunds (orders/updated may arrive before or after).
  await tx.execute(sql`update shop_orders set refunded = coalesce((select sum(amount) from shop_refunds where store_id = ${store.id} and order_shopify_id = ${orderId}), 0)
    where store_id = ${store.id} and shopify_id = ${orderId}`);
}

/** Writes a customer, unless what is stored, or its tombstone, is as new or newer. */
export function writeCustomer(tx: Tx, store: Store, row: CustomerRow): Promise<boolean> {
  return writeRecord(tx, store, "customers", shopCustomers, row);
}

/** Writes a product with its variants, unless what is stored, or its tombstone, is as new or newer. */
export async function writeProduct(tx: Tx, store: Store, rows: ProductRows): Promise<boolean> {
  const wrote = await writeRecord(tx, store, "products", shopProducts, rows.product);
  if (!wrote) return false;
  const productId = rows.product.shopifyId;
  await tx.delete(shopVariants).where(and(eq(shopVariants.storeId, store.id), eq(shopVariants.productShopifyId, productId)));
  if (rows.variants.length) await tx.insert(shopVariants).values(rows.variants.map((v) => values(shopVariants, store, v) as typeof shopVariants.$inferInsert));
  return true;
}

/**
 * Shopify deleted the record at `deletedAt`: the stored row goes, with its children, and its
 * tombstone is written — unless the stored version is newer than the deletion, which it then does
 * not apply to (the rule a write follows, so the outcome does not depend on the order deliveries
 * arrive in).
 */
export async function deleteRecord(tx: Tx, store: Store, entity: RecordEntity, shopifyId: bigint, deletedAt: Date): Promise<void> {
  await lockRecords(tx, store.id, entity, "delete");
  const root = ROOTS[entity];
  const key = and(eq(root.table.storeId, store.id), eq(root.table.shopifyId, shopifyId));
  const [gone] = await tx.delete(root.table).where(and(key, lte(root.table.updatedAt, deletedAt))).returning({ shopifyId: root.table.shopifyId });
  if (!gone && (await tx.select({ shopifyId: root.table.shopifyId }).from(root.table).where(key)).length) return;
  await writeTombstones(tx, store.id, entity, [shopifyId], deletedAt, "deleted");
  for (const child of root.children) await tx.delete(child.table).where(and(eq(child.table.storeId, store.id), eq(child.parent, shopifyId)));
}

const ROOTS = {
  orders: {
    table: shopOrders,
    children: [
      { table: shopLineItems, parent: shopLineItems.orderShopifyId },
      { table: shopRefunds, parent: shopRefunds.orderShopifyId },
    ],
  },
  customers: { table: shopCustomers, children: [] },
  products: { table: shopProducts, children: [{ table: shopVariants, parent: shopVariants.productShopifyId }] },
} as const;

export function deleteOrder(tx: Tx, store: Store, shopifyId: bigint, deletedAt: Date): Promise<void> {
  return deleteRecord(tx, store, "orders", shopifyId, deletedAt);
}

export function deleteCustomer(tx: Tx, store: Store, shopifyId: bigint, deletedAt: Date): Promise<void> {
  return deleteRecord(tx, store, "customers", shopifyId, deletedAt);
}

export function deleteProduct(tx: Tx, store: Store, shopifyId: bigint, deletedAt: Date): Promise<void> {
  return deleteRecord(tx, store, "products", shopifyId, deletedAt);
}

/**
 * customers/redact, for one store: the customer's profile is erased and the contact details of
 * their orders (and of the orders the request names) blanked, whatever their versions; `redacted`
 * tombstones keep versions sent before `redactedAt` from bringing either back.
 */
export async function redactCustomerRecords(tx: Tx, store: Store, input: { customerId: bigint; orderIds: bigint[]; redactedAt: Date }): Promise<void> {
  // Both kinds, in the order every other holder of two would take them (orders first).
  await lockRecords(tx, store.id, "orders", "delete");
  await lockRecords(tx, store.id, "customers", "delete");
  await writeTombstones(tx, store.id, "customers", [input.customerId], input.redactedAt, "redacted");
  await tx.delete(shopCustomers).where(and(eq(shopCustomers.storeId, store.id), eq(shopCustomers.shopifyId, input.customerId)));
  const ofCustomer = eq(shopOrders.customerShopifyId, input.customerId);
  const blanked = await tx
    .update(shopOrders)
    .set(withoutContacts)
    .where(and(eq(shopOrders.storeId, store.id), input.orderIds.length ? or(ofCustomer, inArray(shopOrders.shopifyId, input.orderIds)) : ofCustomer))
    .returning({ shopifyId: shopOrders.shopifyId });
  await writeTombstones(tx, store.id, "orders", [...input.orderIds, ...blanked.map((o) => o.shopifyId)], input.redactedAt, "redacted");
}

/** shop/redact: every record of these stores, and their tombstones, erased. */
export async function eraseStoreRecords(tx: Tx, storeIds: string[]): Promise<void> {
  if (!storeIds.length) return;
  for (const id of [...storeIds].sort()) for (const entity of ["orders", "customers", "products"] as const) await lockRecords(tx, id, entity, "delete");
  for (const table of [shopLineItems, shopRefunds, shopOrders, shopVariants, shopProducts, shopCustomers, shopTombstones]) {
    await tx.delete(table).where(inArray(table.storeId, storeIds));
  }
}
