import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "~/server/deps";
import { getDb } from "~/server/db/client";
import { stores, webhookDeliveries } from "~/server/db/schema";
import type { Infra } from "~/server/infra";
import { markNeedsReauth } from "~/server/services/stores/session";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

/** A store's state follows one set of rules (services/stores/status-rules.ts), whatever order events land in. */
describe.skipIf(!servicesReady)("store status rules", () => {
  let infra: Infra;
  let brandId: string;
  beforeAll(async () => {
    infra = testInfra();
    brandId = (await callerFor(await createUser("status-owner"), infra).brands.create({ name: "Status Rules Brand" })).id;
  });
  afterAll(() => infra.close());

  const storeIn = async (status: "connected" | "needs_reauth" | "uninstalled") => {
    const shopDomain = `rules-${randomUUID().slice(0, 8)}.myshopify.com`;
    const [store] = await getDb().insert(stores).values({ brandId, shopDomain, status }).returning();
    return store!;
  };
  const statusOf = async (id: string) => (await getDb().select({ status: stores.status }).from(stores).where(eq(stores.id, id)))[0]!.status;
  const uninstall = async (shopDomain: string) => {
    const [delivery] = await getDb()
      .insert(webhookDeliveries)
      .values({ shopDomain, topic: "app/uninstalled", webhookId: randomUUID(), eventId: randomUUID(), payload: { myshopify_domain: shopDomain } })
      .returning();
    await applyShopifyWebhook(createDeps({ infra }), { deliveryId: delivery!.id });
  };

  it("keeps an uninstalled store uninstalled when a request that was in flight comes back 401", async () => {
    const store = await storeIn("connected");
    await uninstall(store.shopDomain);
    expect(await statusOf(store.id)).toBe("uninstalled");
    await expect(markNeedsReauth({ db: getDb() }, { store, why: "Shopify refused its access token (401)" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await statusOf(store.id)).toBe("uninstalled");
  });

  it("lets the uninstall win over a refused token that came first", async () => {
    const store = await storeIn("needs_reauth");
    await uninstall(store.shopDomain);
    expect(await statusOf(store.id)).toBe("uninstalled");
  });

  it("marks a connected store as needing re-authorization when Shopify refuses its token", async () => {
    const store = await storeIn("connected");
    await expect(markNeedsReauth({ db: getDb() }, { store, why: "test" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await statusOf(store.id)).toBe("needs_reauth");
  });
});
