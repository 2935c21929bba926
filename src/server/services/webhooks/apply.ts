import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { shopifySession, stores, webhookDeliveries } from "../../db/schema";
import type { Logger } from "../../logger";
import { markDeliveryProcessed } from "./receive";

/**
 * Applies one recorded webhook. Idempotent: a processed delivery is skipped.
 * Today: app/uninstalled. Data topics wait for the synced tables (orders, customers, products) and
 * stay unprocessed with a reason, so none is lost and they can be applied once that lands.
 */
export async function applyShopifyWebhook(deps: { db: Db; log: Logger }, input: { deliveryId: string }): Promise<{ applied: boolean; reason?: string }> {
  const [delivery] = await deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, input.deliveryId));
  if (!delivery) return { applied: false, reason: "delivery not found" };
  if (delivery.processedAt) return { applied: false, reason: "already processed" };

  if (delivery.topic === "app/uninstalled") {
    await deps.db.transaction(async (tx) => {
      await tx
        .update(stores)
        .set({ status: "uninstalled", statusChangedAt: new Date() })
        .where(and(eq(stores.shopDomain, delivery.shopDomain), eq(stores.status, "connected")));
      // Shopify has revoked the tokens: keeping them would only be a liability.
      await tx.delete(shopifySession).where(eq(shopifySession.shop, delivery.shopDomain));
    });
    await markDeliveryProcessed(deps, { deliveryId: delivery.id });
    deps.log.warn({ shop: delivery.shopDomain }, "app uninstalled: store marked uninstalled");
    return { applied: true };
  }

  const reason = `No handler for ${delivery.topic} yet (store sync is not built); kept for later`;
  await markDeliveryProcessed(deps, { deliveryId: delivery.id, error: reason });
  return { applied: false, reason };
}
