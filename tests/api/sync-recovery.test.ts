import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { stores, syncChecks, syncSteps } from "~/server/db/schema";
import { createDeps } from "~/server/deps";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { runManualCheck } from "~/server/services/sync/completeness";
import { runReconcile } from "~/server/services/sync/incremental-sync";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { callerFor, eventually, processInfra, servicesReady } from "../helpers/context";
import { connectedShop, setFaults, waitForRun } from "../helpers/sync-harness";

const SHOP = "recovering-shop.myshopify.com";
const DAY = 86_400_000;

/**
 * The sync under the emulator's fault switches: an expired token is renewed, not turned into
 * "needs re-authorization"; "Check again" compares what it says it compares; transient errors show
 * as retries; a second failure keeps the first one's history; one "Retry all" retries a run.
 */
describe.skipIf(!servicesReady)("the sync under faults tells the truth and recovers", () => {
  let infra: Infra;
  let workers: RunningWorkers;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    // Sixty days of history up to now: the manual check's 30-day window holds about half the orders.
    // A Plus-sized API budget (1,000 points/s), so the checks' pages do not wait long for the bucket.
    ctx = await connectedShop({ infra, apiKey: "recovering-app", shop: SHOP, shopSpec: { seed: 43, orders: 600, customers: 200, products: 8, days: 60 }, limits: { bucketSize: 10_000, restoreRate: 1_000 } });
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion", "sync"], graceMs: 500 });
    await waitForRun(ctx.storeId, 90_000);
  }, 120_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  const caller = () => callerFor(ctx.owner, infra);
  const storeStatus = async () => (await getDb().select({ status: stores.status }).from(stores).where(eq(stores.id, ctx.storeId)))[0]!.status;
  /** Asks for "Check again" and waits for its result. */
  const manualCheck = async () => {
    const before = new Date();
    await caller().sync.check({ brand: ctx.brand.slug, storeId: ctx.storeId, days: 30 });
    return eventually(
      async () => {
        const [c] = await getDb().select().from(syncChecks).where(and(eq(syncChecks.storeId, ctx.storeId), eq(syncChecks.trigger, "manual"))).orderBy(desc(syncChecks.checkedAt)).limit(1);
        return c && c.checkedAt >= before ? c : undefined;
      },
      { timeoutMs: 30_000, label: "the manual check" },
    );
  };
  const shop = () => ctx.emulator.state.shop(SHOP)!;
  const recentOrderIds = (count: number) => {
    const since = Date.now() - 10 * DAY;
    return shop().store.ordersUpdatedBetween(since).slice(-count).map((i) => shop().store.order(i).id);
  };

  it("leaves fresh planner statistics for the synced tables when the history sync is done", async () => {
    // ANALYZE runs last, once the run's completeness check is recorded.
    const rows = await eventually(
      async () => {
        const r = (await getSql()`select relname, last_analyze from pg_stat_user_tables
          where relname in ('shop_orders', 'shop_line_items', 'shop_refunds', 'shop_customers', 'shop_products', 'shop_variants')`) as { relname: string; last_analyze: Date | null }[];
        return r.length === 6 && r.every((t) => t.last_analyze) ? r : undefined;
      },
      { timeoutMs: 30_000, label: "the synced tables to be analyzed" },
    );
    expect(rows.map((r) => r.relname).sort()).toEqual(["shop_customers", "shop_line_items", "shop_orders", "shop_products", "shop_refunds", "shop_variants"]);
  });

  it("renews a token that expired mid-sync (refresh token still valid) instead of asking to re-authorize", async () => {
    const res = await fetch(`${ctx.emulator.url}/_emulator/shops/${SHOP}/tokens/expire`, { method: "POST" });
    expect(((await res.json()) as { expired: number }).expired).toBeGreaterThan(0);
    const check = await manualCheck();
    expect(await storeStatus()).toBe("connected");
    expect(check.ok).toBe(true);
  }, 60_000);

  it("'Check again' compares the money of the orders updated in its window, and says so; a missed refund is drift", async () => {
    const clean = await manualCheck();
    expect(clean.ok).toBe(true);
    expect(clean.window).toMatch(/^all \d+ orders updated in the last 30 days \(since \d{4}-\d{2}-\d{2}\)$/);
    const inWindow = Number(/^all (\d+)/.exec(clean.window)![1]);
    expect(inWindow).toBeGreaterThan(0);
    expect(clean.money.reduce((n, m) => n + m.shop.orders, 0)).toBe(inWindow);

    // Webhooks are lost: a cancellation (which refunds the order) and an edit never reach us.
    await setFaults(ctx.emulator.url, SHOP, { webhookDropRate: 1 });
    const [cancelled, edited] = recentOrderIds(2);
    ctx.emulator.effects.cancelOrder(shop(), cancelled!);
    ctx.emulator.effects.updateOrder(shop(), edited!, { note: "changed while webhooks were lost" });
    const drift = await manualCheck();
    expect(drift.ok).toBe(false);
    // Counts still match (nothing was created or deleted): only the money and freshness show the drift.
    expect(drift.counts.every((c) => c.shop === c.local)).toBe(true);
    const refundedDiffers = drift.money.some((m) => m.shop.refunded !== m.local.refunded);
    expect(refundedDiffers).toBe(true);
    expect(drift.money.reduce((n, m) => n + (m.stale ?? 0), 0)).toBe(2);

    // Reconciliation pulls the lost changes in; the next check is complete again.
    await setFaults(ctx.emulator.url, SHOP, { webhookDropRate: 0 });
    await runReconcile(createDeps({ infra, log: getLogger() }), { storeId: ctx.storeId, lookbackHours: 1 });
    const repaired = await manualCheck();
    expect(repaired.ok).toBe(true);
  }, 90_000);

  it("shows a transient error as a retry (attempt n of m) and clears it when the step moves on", async () => {
    await setFaults(ctx.emulator.url, SHOP, { serverErrorRate: 1 });
    await caller().sync.start({ brand: ctx.brand.slug, storeId: ctx.storeId });
    const retrying = await eventually(
      async () => {
        const status = await caller().sync.status({ brand: ctx.brand.slug });
        return status.stores[0]!.run!.steps.find((s) => s.retrying)?.retrying ?? undefined;
      },
      { timeoutMs: 30_000, label: "a retry note" },
    );
    expect(retrying).toMatchObject({ attempt: 1, of: 5 });
    expect(retrying.error).toMatch(/50[23]/);
    await setFaults(ctx.emulator.url, SHOP, { serverErrorRate: 0 });
    await waitForRun(ctx.storeId, 60_000);
    const steps = await getDb().select().from(syncSteps).where(eq(syncSteps.storeId, ctx.storeId));
    const latest = steps.filter((s) => s.runId === steps.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0]!.runId);
    expect(latest.every((s) => s.phase === "done" && s.retrying === null && s.error === null && s.failures.length === 0)).toBe(true);
  }, 90_000);

  it("keeps a first failure's history through a retry and a second failure; one 'Retry all' retries the run", async () => {
    await setFaults(ctx.emulator.url, SHOP, { bulkFailure: "INTERNAL_SERVER_ERROR" });
    await caller().sync.start({ brand: ctx.brand.slug, storeId: ctx.storeId });
    await expect(waitForRun(ctx.storeId, 60_000)).rejects.toThrow(/INTERNAL_SERVER_ERROR/);
    let run = (await caller().sync.status({ brand: ctx.brand.slug })).stores[0]!.run!;
    expect(run.steps.every((s) => s.phase === "failed")).toBe(true);

    // One click retries all three; they fail again for the same reason.
    await expect(caller().sync.retryRun({ brand: ctx.brand.slug, runId: run.id })).resolves.toEqual({ retried: 3 });
    await expect(waitForRun(ctx.storeId, 60_000)).rejects.toThrow(/INTERNAL_SERVER_ERROR/);
    run = (await caller().sync.status({ brand: ctx.brand.slug })).stores[0]!.run!;
    for (const step of run.steps) {
      expect(step).toMatchObject({ phase: "failed", failedPhase: "bulk_running", error: expect.stringContaining("INTERNAL_SERVER_ERROR") });
      expect(step.failures).toHaveLength(2);
      expect(step.failures.every((f) => f.phase === "bulk_running" && f.error.includes("INTERNAL_SERVER_ERROR"))).toBe(true);
      // Time spent failed is not work: no "failed" timing.
      expect(Object.keys(step.timings)).not.toContain("failed");
    }

    await setFaults(ctx.emulator.url, SHOP, { bulkFailure: null });
    await caller().sync.retryRun({ brand: ctx.brand.slug, runId: run.id });
    await waitForRun(ctx.storeId, 60_000);
    run = (await caller().sync.status({ brand: ctx.brand.slug })).stores[0]!.run!;
    for (const step of run.steps) {
      expect(step).toMatchObject({ phase: "done", error: null, attempts: 2 });
      expect(step.failures).toHaveLength(2);
      expect(Object.keys(step.timings)).not.toContain("failed");
    }
    // Nothing left to retry.
    await expect(caller().sync.retryRun({ brand: ctx.brand.slug, runId: run.id })).rejects.toMatchObject({ code: "CONFLICT", message: "No step of this history sync has failed" });
  }, 150_000);

  it("keeps a store uninstalled when a request that was in flight during the uninstall comes back 401", async () => {
    // Every Admin API call now takes a second and a half: the check's first request is in flight when the merchant uninstalls.
    await setFaults(ctx.emulator.url, SHOP, { latencyMs: 1_500 });
    const check = runManualCheck(createDeps({ infra, log: getLogger() }), { brandId: ctx.brand.id, storeId: ctx.storeId, window: { days: 30, maxOrders: 100 } });
    const settled = check.then(() => null, (err: unknown) => err);
    await new Promise((r) => setTimeout(r, 300));
    ctx.emulator.effects.uninstall(shop(), [...shop().installedApps][0]!);
    const error = await settled;
    expect(error).toMatchObject({ code: "CONFLICT" });
    await eventually(async () => ((await storeStatus()) === "uninstalled" ? true : undefined), { timeoutMs: 30_000, label: "the uninstall to be applied" });
    // Whatever came last (the 401, a refused refresh, the webhook), the store stays uninstalled.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storeStatus()).toBe("uninstalled");
    await setFaults(ctx.emulator.url, SHOP, { latencyMs: 0 });
  }, 60_000);
});
