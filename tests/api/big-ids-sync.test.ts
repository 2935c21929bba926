import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idText } from "~/emulator/admin/ids";
import type { ShopState } from "~/emulator/state";
import { formatCents } from "~/emulator/store/money";
import { refundTotal } from "~/emulator/store/types";
import { getDb, getSql } from "~/server/db/client";
import { shopOrders, shopTombstones, syncChecks } from "~/server/db/schema";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { runReconcile } from "~/server/services/sync/incremental-sync";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { eventually, processInfra, servicesReady, syncDeps } from "../helpers/context";
import { connectedShop, duplicateRows, expectNoEndpointErrors, localTruth, waitForRun } from "../helpers/sync-harness";

const SHOP = "big-ids-shop.myshopify.com";

/**
 * A shop whose ids have 18 digits, as Shopify's samples and test notifications have (beyond 2^53):
 * the history sync (bulk), webhooks and reconciliation (paginated) store every id exact, and the
 * data equals the shop's.
 */
describe.skipIf(!servicesReady)("a shop with 18-digit ids, end to end", () => {
  let infra: Infra;
  let workers: RunningWorkers;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;
  let shop: ShopState;

  beforeAll(async () => {
    infra = processInfra();
    ctx = await connectedShop({ infra, apiKey: "big-ids-app", shop: SHOP, shopSpec: { seed: 818, orders: 600, customers: 150, products: 20, days: 200, bigIds: true },
      // A Shopify Plus shop's API budget, so reconciliation reads the whole shop quickly.
      limits: { bucketSize: 10_000, restoreRate: 1_000 },
    });
    shop = ctx.emulator.state.shop(SHOP)!;
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion", "sync"], graceMs: 1_000 });
  }, 120_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  /** Every id column of the store's rows, as the database's own text. */
  async function storedIds(table: string, column: string): Promise<string[]> {
    const rows = await getSql().unsafe(`select ${column}::text as id from ${table} where store_id = $1 and ${column} is not null order by 1`, [ctx.storeId]);
    return rows.map((r) => r.id as string);
  }

  it("syncs the history with every id exact and money equal to the shop's", async () => {
    await waitForRun(ctx.storeId);
    await eventually(async () => {
      const counts = await infra.queue.counts("sync");
      return counts.active + counts.waiting === 0 && shop.deliveries.every((d) => d.state !== "pending");
    }, { timeoutMs: 60_000, label: "the sync queue and deliveries to settle" });
    expectNoEndpointErrors(ctx.endpoint);
    // The recent sync queued on connect completed: its result (with bigint ids) was storable.
    expect(await infra.queue.counts("sync")).toMatchObject({ failed: 0 });
    const completed = (await infra.queue.listJobs("sync", "completed", 0, 50)).map((j) => j.name);
    expect(completed).toEqual(expect.arrayContaining(["recentSync"]));
    expect((await infra.queue.listJobs("sync", "delayed", 0, 50)).filter((j) => j.attemptsMade > 0)).toEqual([]);
    expect(await localTruth(ctx.storeId)).toEqual(shop.store.truth());
    expect(await duplicateRows(ctx.storeId)).toBe(0);

    const expectedOrders = Array.from({ length: shop.store.orderTotal }, (_, i) => idText(shop.store.order(i).id, true)).sort();
    expect(await storedIds("shop_orders", "shopify_id")).toEqual(expectedOrders);
    for (const [table, column] of [["shop_line_items", "shopify_id"], ["shop_line_items", "order_shopify_id"], ["shop_line_items", "variant_shopify_id"], ["shop_refunds", "shopify_id"], ["shop_orders", "customer_shopify_id"], ["shop_customers", "shopify_id"], ["shop_variants", "product_shopify_id"]] as const) {
      const ids = await storedIds(table, column);
      expect(ids.length, `${table}.${column}`).toBeGreaterThan(0);
      expect(ids.every((id) => /^8\d{17}$/.test(id)), `${table}.${column}`).toBe(true);
    }
  });

  it("applies a refund's webhooks to the order named by its 18-digit id, and reconciliation agrees", async () => {
    const o = shop.store.order(shop.store.orderTotal - 1);
    const target = o.refunds.length ? shop.store.order(shop.store.orderTotal - 2) : o;
    const { order } = ctx.emulator.effects.refundOrder(shop, target.id, { lines: [{ lineItemId: target.lineItems[0]!.id, quantity: 1 }] });
    const id = BigInt(idText(order.id, true));
    const expected = `${formatCents(refundTotal(order))}00`;
    await eventually(async () => (await getDb().select().from(shopOrders).where(and(eq(shopOrders.storeId, ctx.storeId), eq(shopOrders.shopifyId, id))))[0]?.refunded === expected, {
      timeoutMs: 30_000,
      label: "the refund's webhooks to be applied",
    });
    expectNoEndpointErrors(ctx.endpoint);
    const failed = await getSql()`select topic, error from webhook_deliveries where shop_domain = ${SHOP} and error is not null limit 5`;
    expect(failed).toEqual([]);

    // Shopify deletes an order: orders/delete names it by its 18-digit id, and it goes with its lines and refunds.
    const victim = shop.store.order(3);
    const victimId = BigInt(idText(victim.id, true));
    ctx.emulator.effects.deleteOrder(shop, victim.id);
    await eventually(async () => (await getDb().select().from(shopOrders).where(and(eq(shopOrders.storeId, ctx.storeId), eq(shopOrders.shopifyId, victimId)))).length === 0, {
      timeoutMs: 30_000,
      label: "orders/delete to be applied",
    });
    const [tombstone] = await getDb().select().from(shopTombstones).where(and(eq(shopTombstones.storeId, ctx.storeId), eq(shopTombstones.shopifyId, victimId)));
    expect(tombstone).toMatchObject({ entity: "orders", reason: "deleted" });
    expect(await storedIds("shop_line_items", "order_shopify_id")).not.toContain(String(victimId));

    // The paginated path reads the same ids (and compares its window of orders by them).
    await runReconcile(await syncDeps(infra), { storeId: ctx.storeId, lookbackHours: 24 * 400 });
    const [check] = await getDb().select().from(syncChecks).where(and(eq(syncChecks.storeId, ctx.storeId), eq(syncChecks.trigger, "reconcile"))).orderBy(desc(syncChecks.checkedAt)).limit(1);
    expect(check).toMatchObject({ ok: true });
    expect(check!.money.length).toBeGreaterThan(0);
    expect(await localTruth(ctx.storeId)).toEqual(shop.store.truth());
    expect(await duplicateRows(ctx.storeId)).toBe(0);
  }, 120_000);
});
