import { and, asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { stores } from "../../db/schema";
import type { CustomerRow, OrderRows, ProductRows, RefundRow } from "./rows";
import { customerRowFromWebhook, deletedIdFromWebhook, orderRowsFromWebhook, productRowsFromWebhook, refundRowFromWebhook } from "./webhook-rows";
import { lockRecords, type RecordEntity } from "./tombstones";
import { deleteCustomer, deleteOrder, deleteProduct, type Store, writeCustomers, writeOrders, writeProducts, writeRefund } from "./write";

export type { Store } from "./write";

/**
 * The stores a shop's data webhooks apply to: every brand that has the shop connected. In a fixed
 * order, so two deliveries lock the stores' records (write.ts) in the same order and cannot deadlock.
 */
export async function connectedStores(db: Db, shopDomain: string): Promise<Store[]> {
  return db
    .select({ id: stores.id, brandId: stores.brandId })
    .from(stores)
    .where(and(eq(stores.shopDomain, shopDomain), eq(stores.status, "connected")))
    .orderBy(asc(stores.id));
}

/** What a data webhook writes, mapped from its body (webhook-rows.ts): rows to upsert, a refund, or a deletion. */
export type DataChange =
  | { kind: "orders"; rows: OrderRows }
  | { kind: "customers"; row: CustomerRow }
  | { kind: "products"; rows: ProductRows }
  | { kind: "refund"; row: RefundRow }
  | { kind: "delete"; entity: "orders" | "customers" | "products"; shopifyId: bigint; at: Date };

/** `at`: when Shopify triggered the delivery (a deletion's time, for its tombstone). */
const MAPPERS: Record<string, (body: unknown, topic: string, at: Date) => DataChange> = {
  "orders/create": (body, topic) => ({ kind: "orders", rows: orderRowsFromWebhook(body, topic) }),
  "orders/updated": (body, topic) => ({ kind: "orders", rows: orderRowsFromWebhook(body, topic) }),
  "orders/cancelled": (body, topic) => ({ kind: "orders", rows: orderRowsFromWebhook(body, topic) }),
  "orders/delete": (body, topic, at) => ({ kind: "delete", entity: "orders", shopifyId: deletedIdFromWebhook(body, topic), at }),
  "refunds/create": (body, topic) => ({ kind: "refund", row: refundRowFromWebhook(body, topic) }),
  "customers/create": (body, topic) => ({ kind: "customers", row: customerRowFromWebhook(body, topic) }),
  "customers/update": (body, topic) => ({ kind: "customers", row: customerRowFromWebhook(body, topic) }),
  "customers/delete": (body, topic, at) => ({ kind: "delete", entity: "customers", shopifyId: deletedIdFromWebhook(body, topic), at }),
  "products/create": (body, topic) => ({ kind: "products", rows: productRowsFromWebhook(body, topic) }),
  "products/update": (body, topic) => ({ kind: "products", rows: productRowsFromWebhook(body, topic) }),
  "products/delete": (body, topic, at) => ({ kind: "delete", entity: "products", shopifyId: deletedIdFromWebhook(body, topic), at }),
};

export function isDataTopic(topic: string): boolean {
  return Object.hasOwn(MAPPERS, topic);
}

/**
 * A data webhook's body as the change it makes. A body that is not what the topic promises throws
 * MalformedDataError naming the field (nothing is written). `triggeredAt` is when Shopify triggered
 * it (`X-Shopify-Triggered-At`, else when we received it): a deletion's time.
 */
export function mapDataWebhook(input: { topic: string; body: unknown; triggeredAt: Date }): DataChange {
  const mapper = MAPPERS[input.topic];
  if (!mapper) throw new Error(`No handler for ${input.topic}`);
  return mapper(input.body, input.topic, input.triggeredAt);
}

/**
 * Writes changes to these stores (the shop's connected ones, `connectedStores`) in the caller's
 * transaction, as applying them one after another would: upserts gather — each kind's rows written
 * together, one statement per table, the newest version of a record winning as it would in turn —
 * until a refund or a deletion, which depends on what came before it and is applied in its turn.
 * Orders, customers and products are apart (no upsert of one kind reads another kind's rows), so
 * gathering them across kinds changes nothing.
 */
export async function writeDataChanges(tx: Tx, targets: Store[], changes: DataChange[]): Promise<void> {
  for (const store of targets) {
    await lockForChanges(tx, store, changes);
    let orders: OrderRows[] = [];
    let customers: CustomerRow[] = [];
    let products: ProductRows[] = [];
    const flush = async () => {
      await writeOrders(tx, store, orders);
      await writeCustomers(tx, store, customers);
      await writeProducts(tx, store, products);
      [orders, customers, products] = [[], [], []];
    };
    for (const change of changes) {
      if (change.kind === "orders") orders.push(change.rows);
      else if (change.kind === "customers") customers.push(change.row);
      else if (change.kind === "products") products.push(change.rows);
      else {
        await flush();
        if (change.kind === "refund") await writeRefund(tx, store, change.row);
        else await DELETERS[change.entity](tx, store, change.shopifyId, change.at);
      }
    }
    await flush();
  }
}

const DELETERS = { orders: deleteOrder, customers: deleteCustomer, products: deleteProduct } as const;

/**
 * The store's record locks for every kind the changes touch, up front and in the order every holder
 * of two takes them (orders, customers, products — as customers/redact does): gathered upserts would
 * otherwise take them in the order their kinds were flushed. A kind with a deletion among the changes
 * is locked for deleting (exclusive) from the start, so two batches never both hold it shared and
 * then wait for each other to delete.
 */
async function lockForChanges(tx: Tx, store: Store, changes: DataChange[]): Promise<void> {
  const modes = new Map<RecordEntity, "write" | "delete">();
  for (const c of changes) {
    // A refund writes its order; the other kinds are named after their records.
    const entity: RecordEntity = c.kind === "delete" ? c.entity : c.kind === "refund" ? "orders" : c.kind;
    if (c.kind === "delete") modes.set(entity, "delete");
    else if (!modes.has(entity)) modes.set(entity, "write");
  }
  for (const entity of ["orders", "customers", "products"] as const) {
    const mode = modes.get(entity);
    if (mode) await lockRecords(tx, store.id, entity, mode);
  }
}

/** Applies one data webhook to every brand that has this shop connected, in one transaction (nothing is written for a malformed body). */
export async function applyDataWebhook(deps: { db: Db }, input: { shopDomain: string; topic: string; body: unknown; triggeredAt: Date }): Promise<number> {
  const change = mapDataWebhook(input);
  const targets = await connectedStores(deps.db, input.shopDomain);
  await deps.db.transaction((tx) => writeDataChanges(tx, targets, [change]));
  return targets.length;
}
