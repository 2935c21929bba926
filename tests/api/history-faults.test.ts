import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { stores, syncRuns, syncSteps } from "~/server/db/schema";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { callerFor, eventually, processInfra, servicesReady } from "../helpers/context";
import { connectedShop, duplicateRows, localTruth, setFaults, waitForRun } from "../helpers/sync-harness";

const SHOP = "faulty-shop.myshopify.com";

describe.skipIf(!servicesReady)("history sync faults: a malformed result, a failed export, then retry", () => {
  let infra: Infra;
  let workers: RunningWorkers;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    // History ends a month ago, so the recent sync finds nothing and every stored order comes from the bulk path.
    ctx = await connectedShop({ infra, apiKey: "faulty-app", shop: SHOP, shopSpec: { seed: 5, orders: 1_500, customers: 300, products: 12, days: 200, endAt: Date.now() - 30 * 86_400_000 } });
  }, 60_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  const steps = async () => getDb().select().from(syncSteps).where(eq(syncSteps.storeId, ctx.storeId));

  it("fails a step on a malformed line, naming it, with nothing of that chunk promoted; a retry finishes the sync", async () => {
    await setFaults(ctx.emulator.url, SHOP, { bulkMalformedLine: 40 });
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion", "sync"], graceMs: 500 });
    await expect(waitForRun(ctx.storeId, 60_000)).rejects.toThrow(/Line 40 of the bulk result is malformed/);
    const orders = (await steps()).find((s) => s.entity === "orders")!;
    expect(orders).toMatchObject({ phase: "failed", failedPhase: "staging", rootsPromoted: 0 });
    expect(orders.error).toMatch(/^Line 40 of the bulk result is malformed: .*starts "#/);
    const [{ n }] = (await getSql()`select count(*)::int as n from shop_orders where store_id = ${ctx.storeId}`) as [{ n: number }];
    expect(n).toBe(0);

    // The operator retries each failed step from the Sync page (an admin-only mutation).
    await setFaults(ctx.emulator.url, SHOP, { bulkMalformedLine: null });
    const caller = callerFor(ctx.owner, infra);
    for (const step of (await steps()).filter((s) => s.phase === "failed")) await caller.sync.retryStep({ brand: ctx.brand.slug, stepId: step.id });
    await waitForRun(ctx.storeId, 60_000);
    expect(await localTruth(ctx.storeId)).toEqual(ctx.emulator.state.shop(SHOP)!.store.truth());
    expect(await duplicateRows(ctx.storeId)).toBe(0);
    const retried = (await steps()).find((s) => s.entity === "orders")!;
    expect(retried).toMatchObject({ phase: "done", attempts: 1, error: null });
  }, 120_000);

  it("reports a failed Shopify export with its error code, and a new run can be started", async () => {
    await setFaults(ctx.emulator.url, SHOP, { bulkFailure: "INTERNAL_SERVER_ERROR" });
    const caller = callerFor(ctx.owner, infra);
    await caller.sync.start({ brand: ctx.brand.slug, storeId: ctx.storeId });
    await expect(caller.sync.start({ brand: ctx.brand.slug, storeId: ctx.storeId })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(waitForRun(ctx.storeId, 60_000)).rejects.toThrow(/bulk export ended FAILED \(INTERNAL_SERVER_ERROR\)/);
    const status = await caller.sync.status({ brand: ctx.brand.slug });
    const failed = status.stores[0]!.run!.steps.find((s) => s.phase === "failed")!;
    expect(failed).toMatchObject({ failedPhase: "bulk_running", error: expect.stringContaining("INTERNAL_SERVER_ERROR") });

    await setFaults(ctx.emulator.url, SHOP, { bulkFailure: null });
    for (const step of status.stores[0]!.run!.steps.filter((s) => s.phase === "failed")) await caller.sync.retryStep({ brand: ctx.brand.slug, stepId: step.id });
    await waitForRun(ctx.storeId, 60_000);
    const runs = await getDb().select().from(syncRuns).where(and(eq(syncRuns.storeId, ctx.storeId), eq(syncRuns.status, "done")));
    expect(runs).toHaveLength(2);
    expect(await localTruth(ctx.storeId)).toEqual(ctx.emulator.state.shop(SHOP)!.store.truth());
    // A retry of a step that has not failed is refused, naming why.
    await expect(caller.sync.retryStep({ brand: ctx.brand.slug, stepId: failed.id })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("has not failed") });
    await eventually(async () => (await infra.queue.counts("sync")).active === 0, { timeoutMs: 30_000 });
  }, 120_000);

  it("raises a drift alarm, with the numbers, when our data no longer matches the shop's", async () => {
    const caller = callerFor(ctx.owner, infra);
    // An order lost on our side (as if a deletion had gone wrong).
    await getSql()`delete from shop_orders where store_id = ${ctx.storeId} and shopify_id = (select min(shopify_id) from shop_orders where store_id = ${ctx.storeId})`;
    await caller.sync.check({ brand: ctx.brand.slug, storeId: ctx.storeId });
    const status = await eventually(
      async () => {
        const s = await caller.sync.status({ brand: ctx.brand.slug });
        return s.stores[0]!.check?.trigger === "manual" ? s : undefined;
      },
      { timeoutMs: 30_000, label: "the manual check" },
    );
    const truth = ctx.emulator.state.shop(SHOP)!.store.truth();
    expect(status.stores[0]!.check).toMatchObject({ ok: false, trigger: "manual" });
    expect(status.stores[0]!.check!.counts).toContainEqual({ entity: "orders", shop: truth.counts.orders, local: truth.counts.orders - 1 });
  }, 60_000);

  it("marks the store as needing re-authorization when Shopify refuses its (unexpired) token", async () => {
    const caller = callerFor(ctx.owner, infra);
    await fetch(`${ctx.emulator.url}/_emulator/shops/${SHOP}/tokens/revoke`, { method: "POST" });
    await caller.sync.check({ brand: ctx.brand.slug, storeId: ctx.storeId });
    const [store] = await eventually(
      async () => {
        const rows = await getDb().select().from(stores).where(eq(stores.id, ctx.storeId));
        return rows[0]?.status === "needs_reauth" ? rows : undefined;
      },
      { timeoutMs: 30_000, label: "the store to need re-authorization" },
    );
    expect(store!.status).toBe("needs_reauth");
    // Its jobs stop rather than retry: a new history sync is refused until it is reconnected.
    await expect(caller.sync.start({ brand: ctx.brand.slug, storeId: ctx.storeId })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("Reconnect the store") });
  }, 60_000);
});
