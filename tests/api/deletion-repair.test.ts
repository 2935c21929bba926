import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { shopCustomers, shopOrders, shopProducts, shopTombstones } from "~/server/db/schema";
import { createDeps } from "~/server/deps";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { runReconcile } from "~/server/services/sync/incremental-sync";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { eventually, processInfra, servicesReady } from "../helpers/context";
import { connectedShop, localTruth, setFaults, waitForRun } from "../helpers/sync-harness";

const SHOP = "forgetful-shop.myshopify.com";

/**
 * Shopify deletes records while their deletion webhooks are lost. Reconciliation reads changes by
 * `updated_at` and cannot see a deletion; the completeness check does (we hold more than the shop
 * counts) and queues a repair, which reads the shop's ids and removes — with tombstones — what the
 * shop no longer has. The data ends equal to the shop.
 */
describe.skipIf(!servicesReady)("deletions whose webhooks were lost are caught by the check and repaired", () => {
  let infra: Infra;
  let workers: RunningWorkers;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    ctx = await connectedShop({ infra, apiKey: "forgetful-app", shop: SHOP, shopSpec: { seed: 53, orders: 300, customers: 400, products: 10, days: 60 } });
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion", "sync"], graceMs: 500 });
    await waitForRun(ctx.storeId, 90_000);
  }, 120_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  it("removes the order, the customers and the product Shopify deleted, writes their tombstones, and ends equal to the shop", async () => {
    const shop = ctx.emulator.state.shop(SHOP)!;
    await setFaults(ctx.emulator.url, SHOP, { webhookDropRate: 1 });
    const customers: number[] = [];
    for (let i = 0; i < shop.store.customerSlots && customers.length < 2; i += 23) {
      const c = shop.store.customer(i);
      if (c && !shop.store.customerHasOrders(c.id)) customers.push(c.id);
    }
    expect(customers).toHaveLength(2);
    for (const id of customers) ctx.emulator.effects.deleteCustomer(shop, id);
    const [stored] = await getDb().select({ id: shopProducts.shopifyId }).from(shopProducts).where(eq(shopProducts.storeId, ctx.storeId)).limit(1);
    const productId = ctx.emulator.effects.deleteProduct(shop, Number(stored!.id)).id;
    // And an order (its lines and refunds go with it).
    const [storedOrder] = await getDb().select({ id: shopOrders.shopifyId }).from(shopOrders).where(eq(shopOrders.storeId, ctx.storeId)).limit(1);
    const orderId = ctx.emulator.effects.deleteOrder(shop, Number(storedOrder!.id)).id;
    await setFaults(ctx.emulator.url, SHOP, { webhookDropRate: 0 });
    // Still here: no webhook told us.
    expect(await getDb().select().from(shopCustomers).where(and(eq(shopCustomers.storeId, ctx.storeId), inArray(shopCustomers.shopifyId, customers.map(BigInt))))).toHaveLength(2);

    // Reconciliation's check finds the surplus and queues the repairs, which the sync worker runs.
    await runReconcile(createDeps({ infra, log: getLogger() }), { storeId: ctx.storeId, lookbackHours: 1 });
    await eventually(
      async () => {
        const local = await localTruth(ctx.storeId);
        const truth = shop.store.truth();
        return local.counts.customers === truth.counts.customers && local.counts.products === truth.counts.products && local.counts.orders === truth.counts.orders ? true : undefined;
      },
      { timeoutMs: 60_000, label: "the repairs to remove the deleted records" },
    );
    expect(await getDb().select().from(shopCustomers).where(and(eq(shopCustomers.storeId, ctx.storeId), inArray(shopCustomers.shopifyId, customers.map(BigInt))))).toHaveLength(0);
    expect(await getDb().select().from(shopProducts).where(and(eq(shopProducts.storeId, ctx.storeId), eq(shopProducts.shopifyId, BigInt(productId))))).toHaveLength(0);
    const tombstones = await getDb().select().from(shopTombstones).where(eq(shopTombstones.storeId, ctx.storeId));
    expect(tombstones.filter((t) => t.entity === "customers").map((t) => t.shopifyId).sort()).toEqual(customers.map(BigInt).sort());
    expect(tombstones.filter((t) => t.entity === "products").map((t) => t.shopifyId)).toEqual([BigInt(productId)]);
    expect(tombstones.filter((t) => t.entity === "orders").map((t) => t.shopifyId)).toEqual([BigInt(orderId)]);
    const [lines] = (await getSql()`select count(*)::int as n from shop_line_items where store_id = ${ctx.storeId} and order_shopify_id = ${String(orderId)}`) as [{ n: number }];
    expect(lines.n).toBe(0);
    expect(await localTruth(ctx.storeId)).toEqual(shop.store.truth());
  }, 120_000);
});
