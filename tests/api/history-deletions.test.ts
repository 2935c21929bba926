import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { shopCustomers, shopTombstones, syncChecks, syncSteps } from "~/server/db/schema";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { storeCounts } from "~/server/services/stores/counts";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { holdControl } from "../emulator/harness";
import { eventually, processInfra, servicesReady } from "../helpers/context";
import { connectedShop, duplicateRows, expectNoEndpointErrors, localTruth, waitForRun } from "../helpers/sync-harness";

const SHOP = "deleting-shop.myshopify.com";
const DAY = 86_400_000;

describe.skipIf(!servicesReady)("a history sync whose export was read before some of its records were deleted", () => {
  let infra: Infra;
  let workers: RunningWorkers | undefined;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    // History ends a month ago: the recent sync finds nothing, every stored record comes from the bulk path.
    ctx = await connectedShop({ infra, apiKey: "deleting-app", shop: SHOP, shopSpec: { seed: 31, orders: 600, customers: 400, products: 8, days: 120, endAt: Date.now() - 30 * DAY } });
  }, 60_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  it("does not promote customers Shopify deleted after the export was read, and ends equal to the shop", async () => {
    const shop = ctx.emulator.state.shop(SHOP)!;
    // The results (orders ≈ 2,400 lines, customers 400) are served up to line 100, then held: the
    // exports are complete and hold every customer, none of them is promoted yet.
    const hold = holdControl(ctx.emulator.url, SHOP);
    await hold.set({ downloadAfterLines: 100 });
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion", "sync"], graceMs: 500 });
    await hold.waitFor({ downloads: 2, timeoutMs: 60_000 });

    // Shopify deletes customers (without orders, as Shopify requires), spread over the file.
    const deletable: number[] = [];
    for (let i = 0; i < shop.store.customerSlots && deletable.length < 6; i += 37) {
      const c = shop.store.customer(i);
      if (c && !shop.store.customerHasOrders(c.id)) deletable.push(c.id);
    }
    expect(deletable).toHaveLength(6);
    for (const id of deletable) ctx.emulator.effects.deleteCustomer(shop, id);
    await eventually(
      async () => {
        const [row] = await getSql()`select count(*)::int as n from webhook_deliveries where shop_domain = ${SHOP} and topic = 'customers/delete' and processed_at is not null and error is null`;
        return row!.n === deletable.length;
      },
      { timeoutMs: 30_000, label: "the deletions to be applied" },
    );
    const tombstones = await getDb().select().from(shopTombstones).where(and(eq(shopTombstones.storeId, ctx.storeId), eq(shopTombstones.entity, "customers")));
    expect(tombstones.map((t) => t.shopifyId).sort()).toEqual(deletable.map(BigInt).sort());
    // Nothing of them was stored yet: the deletions removed nothing; only the export still has them.
    expect(await getDb().select().from(shopCustomers).where(and(eq(shopCustomers.storeId, ctx.storeId), inArray(shopCustomers.shopifyId, deletable.map(BigInt))))).toHaveLength(0);
    const [customersStep] = await getDb().select().from(syncSteps).where(and(eq(syncSteps.storeId, ctx.storeId), eq(syncSteps.entity, "customers")));
    expect(customersStep!.rootObjectCount).toBe(400);

    await hold.release();
    await waitForRun(ctx.storeId, 120_000);
    await eventually(async () => shop.deliveries.every((d) => d.state !== "pending"), { timeoutMs: 30_000, label: "the emulator's deliveries" });
    expectNoEndpointErrors(ctx.endpoint);
    await ctx.expectEqualsShop({ label: "after a history sync whose export held deleted customers" });
    const truth = shop.store.truth();
    expect(truth.counts.customers).toBe(400 - deletable.length);
    expect(await localTruth(ctx.storeId)).toEqual(truth);
    expect(await duplicateRows(ctx.storeId)).toBe(0);
    // The maintained counts (the Stores page) and the run's own completeness check agree.
    expect((await storeCounts({ db: getDb() }, { storeIds: [ctx.storeId] })).get(ctx.storeId)).toEqual({ orders: truth.counts.orders, customers: truth.counts.customers, products: truth.counts.products });
    // The check runs once the run has closed (waitForRun returns then): wait for it.
    const check = await eventually(
      async () => (await getDb().select().from(syncChecks).where(and(eq(syncChecks.storeId, ctx.storeId), eq(syncChecks.trigger, "history"))))[0],
      { timeoutMs: 30_000, label: "the history run's completeness check" },
    );
    expect(check).toMatchObject({ ok: true });
    expect(check!.counts).toContainEqual({ entity: "customers", shop: truth.counts.customers, local: truth.counts.customers });
  }, 180_000);
});
