import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { shopifySession, stores, webhookDeliveries } from "../../db/schema";
import { isRetryable } from "../../errors";
import type { Logger } from "../../logger";
import { parseLossless } from "../../lossless-json";
import type { JobProducer } from "../../jobs/queue";
import type { PubSubPort } from "../../infra/pubsub/port";
import type { CachePort } from "../../infra/cache/port";
import { announceShopData } from "../commerce/announce";
import { customersTouchedByWebhook, followTouchedCustomers } from "../identity/shopify";
import { applyDataWebhook, isDataTopic } from "../commerce/apply";
import { recordDataRequest, redactCustomer, redactShop } from "../compliance/compliance";
import { reconcileScheduleId } from "../stores/connect";
import { mayBecome } from "../stores/status-rules";
import { onBulkOperationFinished, stopHistorySync } from "../sync/history";
import { markDeliveryProcessed } from "./receive";

type Delivery = typeof webhookDeliveries.$inferSelect;
/** `pubsub`: where committed data changes are announced to live pages (absent: nothing is announced). */
type ApplyDeps = { db: Db; log: Logger; jobs?: JobProducer; pubsub?: PubSubPort; cache?: CachePort };

/** Tells the live pages of every brand with this shop that its data changed (after the commit). */
async function announceApplied(deps: ApplyDeps, shopDomain: string): Promise<void> {
  if (!deps.pubsub) return;
  try {
    await announceShopData({ db: deps.db, pubsub: deps.pubsub }, { shopDomain });
  } catch (err) {
    // The data is in: a missed announcement only delays the pages until their next heartbeat.
    deps.log.warn({ shop: shopDomain, err }, "data change not announced");
  }
}

/**
 * Applies one recorded webhook. Idempotent: a processed delivery is skipped, and data upserts never
 * let an older `updated_at` overwrite a newer one. A delivery that cannot be applied (a malformed
 * body: a domain error retrying cannot fix) is marked with the reason and the error thrown on, for
 * the queue to fail the job permanently; database errors are thrown as they are, and retried.
 */
export async function applyShopifyWebhook(deps: ApplyDeps, input: { deliveryId: string }): Promise<{ applied: boolean; reason?: string }> {
  // The body as jsonb's text, parsed here: the driver's JSON.parse would round 18-digit ids.
  const [row] = await deps.db
    .select({ ...getTableColumns(webhookDeliveries), payload: sql<string>`${webhookDeliveries.payload}::text` })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, input.deliveryId));
  if (!row) return { applied: false, reason: "delivery not found" };
  const delivery: Delivery = { ...row, payload: parseLossless(row.payload) };
  if (delivery.processedAt) return { applied: false, reason: "already processed" };
  try {
    return await applyDelivery(deps, delivery);
  } catch (err) {
    if (!isRetryable(err)) await markDeliveryProcessed(deps, { deliveryId: delivery.id, error: (err as Error).message });
    throw err;
  }
}

/**
 * When Shopify triggered the delivery (`X-Shopify-Triggered-At`), or, without that header, when we
 * received it (never earlier than the event): the time of a deletion or redaction, for its tombstone.
 * The header is outside the HMAC; it is believed as it is, since a wrong time could only make the
 * deletion of a record Shopify really deleted (the body is signed) more final — Shopify never
 * sends a version of it again.
 */
function triggeredAt(delivery: Pick<Delivery, "triggeredAt" | "receivedAt">): Date {
  return delivery.triggeredAt ?? delivery.receivedAt;
}

async function applyDelivery(deps: ApplyDeps, delivery: Delivery): Promise<{ applied: boolean; reason?: string }> {
  if (delivery.topic === "app/uninstalled") {
    const affected = await deps.db.transaction(async (tx) => {
      const moved = await tx
        .update(stores)
        .set({ status: "uninstalled", statusChangedAt: new Date() })
        .where(and(eq(stores.shopDomain, delivery.shopDomain), mayBecome("uninstalled")))
        .returning({ id: stores.id });
      // Shopify has revoked the tokens: keeping them would only be a liability.
      await tx.delete(shopifySession).where(eq(shopifySession.shop, delivery.shopDomain));
      return moved;
    });
    for (const s of affected) {
      await deps.jobs?.unschedule("sync", reconcileScheduleId(s.id));
      await stopHistorySync(deps, { storeId: s.id, reason: `Stopped: the Brandbase app was uninstalled from ${delivery.shopDomain}.` });
    }
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    deps.log.warn({ shop: delivery.shopDomain }, "app uninstalled: store marked uninstalled");
    return { applied: true };
  }

  if (delivery.topic === "bulk_operations/finish") {
    const operationId = (delivery.payload as { admin_graphql_api_id?: unknown }).admin_graphql_api_id;
    const polled = typeof operationId === "string" && deps.jobs ? await onBulkOperationFinished({ db: deps.db, jobs: deps.jobs }, { shopDomain: delivery.shopDomain, operationId }) : 0;
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    return { applied: polled > 0, reason: polled ? undefined : "no sync step waits for this bulk operation" };
  }

  const compliance: Record<string, () => Promise<unknown>> = {
    "customers/data_request": () => recordDataRequest(deps, { shopDomain: delivery.shopDomain, body: delivery.payload as never }),
    "customers/redact": () => redactCustomer(deps, { shopDomain: delivery.shopDomain, body: delivery.payload as never, redactedAt: triggeredAt(delivery) }),
    "shop/redact": () => redactShop(deps, { shopDomain: delivery.shopDomain }),
  };
  if (Object.hasOwn(compliance, delivery.topic)) {
    await compliance[delivery.topic]!();
    // customers/redact may have deleted this very delivery (it names the customer): marking is then a no-op.
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    await announceApplied(deps, delivery.shopDomain);
    deps.log.warn({ shop: delivery.shopDomain, topic: delivery.topic }, "compliance request applied");
    return { applied: true };
  }

  if (isDataTopic(delivery.topic)) {
    const touched = await customersTouchedByWebhook(deps, { shopDomain: delivery.shopDomain, topic: delivery.topic, body: delivery.payload });
    await applyDataWebhook(deps, { shopDomain: delivery.shopDomain, topic: delivery.topic, body: delivery.payload, triggeredAt: triggeredAt(delivery) });
    // Profiles follow the data (a retry re-applies idempotently and follows again).
    await followTouchedCustomers(deps, touched);
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    await announceApplied(deps, delivery.shopDomain);
    return { applied: true };
  }

  const reason = `No handler for ${delivery.topic} yet; kept for later`;
  await markDeliveryProcessed(deps, { deliveryId: delivery.id, error: reason });
  return { applied: false, reason };
}
