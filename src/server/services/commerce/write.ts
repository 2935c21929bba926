import { and, eq, getTableColumns, inArray, lte, or, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Tx } from "../../db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopTombstones, shopVariants } from "../../db/schema";
import type { CustomerRow, OrderRows, ProductRows, RefundRow } from "./rows";
import { clearTombstones, lockRecords, ORDER_CONTACT_COLUMNS, orderDeleted, type RecordEntity, tombstoneVerdicts, type Verdict, writeTombstones } from "./tombstones";

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
export function rowValues(table: PgTable, store: Store, row: object): Record<string, unknown> {
  const out: Record<string, unknown> = { brandId: store.brandId, storeId: store.id, ...row };
  for (const k of timestampKeys(table)) if (typeof out[k] === "string") out[k] = new Date(out[k] as string);
  return out;
}

/** `SET col = excluded.col` for every column given, so an upsert takes the incoming row. */
function fromExcluded(columns: string[]) {
  return Object.fromEntries(columns.map((c) => [c, sql.raw(`excluded.${snake(c)}`)]));
}

/** Rows per INSERT: far under Postgres's 65,535 parameters for the widest of our tables. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Inserts or updates rows (distinct ids), each unless the stored one is as new or newer. Returns the ids written. */
async function upsertNewer(tx: Tx, table: PgTable, rows: Record<string, unknown>[]): Promise<bigint[]> {
  const t = table as unknown as { storeId: never; shopifyId: PgColumn; updatedAt: never };
  const written: bigint[] = [];
  for (const chunk of chunks(rows)) {
    const returned = await tx
      .insert(table)
      .values(chunk as never)
      .onConflictDoUpdate({
        target: [t.storeId, t.shopifyId],
        set: fromExcluded(Object.keys(chunk[0]!).filter((k) => k !== "storeId" && k !== "shopifyId" && k !== "brandId")),
        setWhere: sql`${t.updatedAt} < excluded.updated_at`,
      })
      .returning({ shopifyId: t.shopifyId });
    written.push(...returned.map((r) => r.shopifyId as bigint));
  }
  return written;
}

/** An order's contact details as customers/redact leaves them. */
const withoutContacts = Object.fromEntries(ORDER_CONTACT_COLUMNS.map((c) => [c, null])) as Record<(typeof ORDER_CONTACT_COLUMNS)[number], null>;

/**
 * Of several versions of the same records (a batch of webhooks may carry an order's creation and its
 * update), the newest of each — the first of equals, as writing them one after another would keep.
 */
function newestVersions<T>(items: T[], version: (item: T) => { shopifyId: bigint; updatedAt: string }): T[] {
  const newest = new Map<bigint, T>();
  for (const item of items) {
    const v = version(item);
    const kept = newest.get(v.shopifyId);
    if (!kept || new Date(v.updatedAt).getTime() > new Date(version(kept).updatedAt).getTime()) newest.set(v.shopifyId, item);
  }
  return [...newest.values()];
}

/**
 * Writes records' rows (distinct ids), each unless its tombstone, or the stored row, is as new or
 * newer; an order redacted no earlier than its version loses its contact details. One statement
 * for the lot (and one read of their tombstones). Returns the ids written.
 */
async function writeRecords<R extends { shopifyId: bigint; updatedAt: string; customerShopifyId?: bigint | null }>(
  tx: Tx,
  store: Store,
  entity: RecordEntity,
  table: PgTable,
  rows: R[],
): Promise<bigint[]> {
  if (!rows.length) return [];
  await lockRecords(tx, store.id, entity, "write");
  const verdicts: Verdict[] = await tombstoneVerdicts(tx, { storeId: store.id, entity, versions: rows });
  const writable = rows.flatMap((row, i) => (verdicts[i]!.action === "refuse" ? [] : [verdicts[i]!.action === "withoutContacts" ? { ...row, ...withoutContacts } : row]));
  const written = await upsertNewer(tx, table, writable.map((row) => rowValues(table, store, row)));
  const wrote = new Set(written);
  await clearTombstones(
    tx,
    store.id,
    entity,
    rows.filter((row, i) => verdicts[i]!.supersedes && wrote.has(row.shopifyId)).map((row) => row.shopifyId),
  );
  return written;
}

/** Replaces the children of these parents (an order's lines, a product's variants) with the rows given. */
async function replaceChildren(tx: Tx, store: Store, table: PgTable, parent: PgColumn, parents: bigint[], rows: object[]): Promise<void> {
  if (!parents.length) return;
  const t = table as unknown as { storeId: PgColumn };
  for (const ids of chunks(parents, 5_000)) await tx.delete(table).where(and(eq(t.storeId, store.id), inArray(parent, ids)));
  for (const chunk of chunks(rows)) await tx.insert(table).values(chunk.map((r) => rowValues(table, store, r)) as never);
}

/**
 * Writes orders with their lines and refunds — a webhook batch's or a page's at once, one statement
 * per table — each unless what is stored, or its tombstone, is as new or newer. Returns the ids written.
 */
export async function writeOrders(tx: Tx, store: Store, orders: OrderRows[]): Promise<bigint[]> {
  const newest = newestVersions(orders, (o) => o.order);
  const written = await writeRecords(tx, store, "orders", shopOrders, newest.map((o) => o.order));
  // An order not written was older than what is stored: its lines and refunds are older too.
  const wrote = new Set(written);
  const mine = newest.filter((o) => wrote.has(o.order.shopifyId));
  await replaceChildren(tx, store, shopLineItems, shopLineItems.orderShopifyId, written, mine.flatMap((o) => o.lines));
  await replaceChildren(tx, store, shopRefunds, shopRefunds.orderShopifyId, written, mine.flatMap((o) => o.refunds));
  return written;
}

/** Writes an order with its lines and refunds, unless what is stored, or its tombstone, is as new or newer. */
export async function writeOrder(tx: Tx, store: Store, rows: OrderRows): Promise<boolean> {
  return (await writeOrders(tx, store, [rows])).length > 0;
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
    .values(rowValues(shopRefunds, store, refund) as typeof shopRefunds.$inferInsert)
    .onConflictDoNothing();
  // The order's refunded total follows its refunds (orders/updated may arrive before or after).
  await tx.execute(sql`update shop_orders set refunded = coalesce((select sum(amount) from shop_refunds where store_id = ${store.id} and order_shopify_id = ${orderId}), 0)
    where store_id = ${store.id} and shopify_id = ${orderId}`);
}

/** Writes customers (at once), each unless what is stored, or its tombstone, is as new or newer. Returns the ids written. */
export function writeCustomers(tx: Tx, store: Store, rows: CustomerRow[]): Promise<bigint[]> {
  return writeRecords(tx, store, "customers", shopCustomers, newestVersions(rows, (r) => r));
}

/** Writes a customer, unless what is stored, or its tombstone, is as new or newer. */
export async function writeCustomer(tx: Tx, store: Store, row: CustomerRow): Promise<boolean> {
  return (await writeCustomers(tx, store, [row])).length > 0;
}

/** Writes products with their variants (at once), each unless what is stored, or its tombstone, is as new or newer. Returns the ids written. */
export async function writeProducts(tx: Tx, store: Store, products: ProductRows[]): Promise<bigint[]> {
  const newest = newestVersions(products, (p) => p.product);
  const written = await writeRecords(tx, store, "products", shopProducts, newest.map((p) => p.product));
  const wrote = new Set(written);
  await replaceChildren(tx, store, shopVariants, shopVariants.productShopifyId, written, newest.filter((p) => wrote.has(p.product.shopifyId)).flatMap((p) => p.variants));
  return written;
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
