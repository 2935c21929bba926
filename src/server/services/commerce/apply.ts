import { and, asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { stores } from "../../db/schema";
import { customerRowFromWebhook, deletedIdFromWebhook, orderRowsFromWebhook, productRowsFromWebhook, refundRowFromWebhook } from "./webhook-rows";
import { deleteCustomer, deleteOrder, deleteProduct, type Store, writeCustomer, writeOrder, writeProduct, writeRefund } from "./write";

export type { Store } from "./write";

/**
 * The stores a shop's data webhooks apply to: every brand that has the shop connected. In a fixed
 * order, so two deliveries lock the stores' records (write.ts) in the same order and cannot deadlock.
 */
async function connectedStores(db: Db, shopDomain: string): Promise<Store[]> {
  return db
    .select({ id: stores.id, brandId: stores.brandId })
    .from(stores)
    .where(and(eq(stores.shopDomain, shopDomain), eq(stores.status, "connected")))
    .orderBy(asc(stores.id));
}

/** `at`: when Shopify triggered the delivery (a deletion's time, for its tombstone). */
type Apply = (tx: Tx, store: Store, body: unknown, topic: string, at: Date) => Promise<unknown>;

const applyOrder: Apply = (tx, store, body, topic) => writeOrder(tx, store, orderRowsFromWebhook(body, topic));

const HANDLERS: Record<string, Apply> = {
  "orders/create": applyOrder,
  "orders/updated": applyOrder,
  "orders/cancelled": applyOrder,
  "orders/delete": (tx, store, body, topic, at) => deleteOrder(tx, store, deletedIdFromWebhook(body, topic), at),
  "refunds/create": (tx, store, body, topic) => writeRefund(tx, store, refundRowFromWebhook(body, topic)),
  "customers/create": (tx, store, body, topic) => writeCustomer(tx, store, customerRowFromWebhook(body, topic)),
  "customers/update": (tx, store, body, topic) => writeCustomer(tx, store, customerRowFromWebhook(body, topic)),
  "customers/delete": (tx, store, body, topic, at) => deleteCustomer(tx, store, deletedIdFromWebhook(body, topic), at),
  "products/create": (tx, store, body, topic) => writeProduct(tx, store, productRowsFromWebhook(body, topic)),
  "products/update": (tx, store, body, topic) => writeProduct(tx, store, productRowsFromWebhook(body, topic)),
  "products/delete": (tx, store, body, topic, at) => deleteProduct(tx, store, deletedIdFromWebhook(body, topic), at),
};

export function isDataTopic(topic: string): boolean {
  return Object.hasOwn(HANDLERS, topic);
}

/**
 * Applies a data webhook to every brand that has this shop connected, in one transaction. A body
 * that is not what the topic promises throws MalformedDataError (nothing is written). `triggeredAt`
 * is when Shopify triggered it (`X-Shopify-Triggered-At`, else when we received it): a deletion's time.
 */
export async function applyDataWebhook(deps: { db: Db }, input: { shopDomain: string; topic: string; body: unknown; triggeredAt: Date }): Promise<number> {
  const handler = HANDLERS[input.topic];
  if (!handler) throw new Error(`No handler for ${input.topic}`);
  const targets = await connectedStores(deps.db, input.shopDomain);
  await deps.db.transaction(async (tx) => {
    for (const store of targets) await handler(tx, store, input.body, input.topic, input.triggeredAt);
  });
  return targets.length;
}
