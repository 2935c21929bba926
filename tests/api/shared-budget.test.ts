import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "~/server/deps";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { runReconcile, runRecentSync } from "~/server/services/sync/incremental-sync";
import { processInfra, servicesReady } from "../helpers/context";
import { connectedShop, setFaults } from "../helpers/sync-harness";

const SHOP = "budget-shop.myshopify.com";

/**
 * Right after connecting, the recent sync and reconciliation read the same shop at once. Each
 * pacing itself against its own picture of Shopify's bucket, they overdrew it together and
 * throttled each other (about 400 orders took minutes, reconciliation gave up "Throttled"). Through
 * the shop's one shared budget they take turns: no call is answered THROTTLED, and both finish.
 */
describe.skipIf(!servicesReady)("the recent sync and reconciliation share the shop's API budget", () => {
  let infra: Infra;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    // Every order in the last three days; a small bucket, so two readers at once would overdraw it.
    ctx = await connectedShop({
      infra,
      apiKey: "budget-app",
      shop: SHOP,
      shopSpec: { seed: 47, orders: 250, customers: 120, products: 6, days: 3 },
      limits: { bucketSize: 2_000, restoreRate: 1_500 },
    });
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await closeInfra();
  });

  it("takes turns instead of throttling each other, and both finish", async () => {
    const shop = ctx.emulator.state.shop(SHOP)!;
    shop.apiStats.calls = 0;
    shop.apiStats.throttled = 0;
    const deps = createDeps({ infra, log: getLogger() });
    const [recent, reconciled] = await Promise.all([
      runRecentSync(deps, { storeId: ctx.storeId, days: 4 }),
      runReconcile(deps, { storeId: ctx.storeId, lookbackHours: 4 * 24 }),
    ]);
    const truth = shop.store.truth();
    expect(recent.orders).toBe(truth.counts.orders);
    expect(reconciled.orders).toBe(truth.counts.orders);
    expect(shop.apiStats.calls).toBeGreaterThan(40);
    expect(shop.apiStats.throttled).toBe(0);
  }, 120_000);

  it("waits out HTTP 429 answers (Retry-After, no bucket report) and still finishes", async () => {
    const shop = ctx.emulator.state.shop(SHOP)!;
    await setFaults(ctx.emulator.url, SHOP, { throttleWith429: true, throttlePercent: 0.3 });
    try {
      const recent = await runRecentSync(createDeps({ infra, log: getLogger() }), { storeId: ctx.storeId, days: 4 });
      expect(recent.orders).toBe(shop.store.truth().counts.orders);
    } finally {
      await setFaults(ctx.emulator.url, SHOP, { throttleWith429: false, throttlePercent: 0 });
    }
  }, 120_000);
});
