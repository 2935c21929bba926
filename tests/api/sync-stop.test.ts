import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "~/server/db/client";
import { stores, syncRuns, syncSteps } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { holdControl } from "../emulator/harness";
import { callerFor, eventually, processInfra, servicesReady } from "../helpers/context";
import { connectedShop, expectNoEndpointErrors } from "../helpers/sync-harness";

const SHOP = "stopping-shop.myshopify.com";
const DAY = 86_400_000;

/**
 * The merchant uninstalls the app while the history sync is importing: the import must stop where
 * it was (no chunk lands after the stop, no step moves back to promoting or on to done), the run
 * says why it stopped, and the Sync page offers Reconnect rather than Retry buttons that would flip
 * to running and straight back to failed.
 */
describe.skipIf(!servicesReady)("a history sync stopped by an uninstall stays stopped", () => {
  let infra: Infra;
  let workers: RunningWorkers | undefined;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;
  const chunkLines = process.env.SYNC_CHUNK_LINES;

  beforeAll(async () => {
    // Small chunks, so some are promoted before the hold and more would follow after it.
    process.env.SYNC_CHUNK_LINES = "200";
    resetEnvCache();
    infra = processInfra();
    ctx = await connectedShop({ infra, apiKey: "stopping-app", shop: SHOP, shopSpec: { seed: 41, orders: 800, customers: 200, products: 8, days: 120, endAt: Date.now() - 30 * DAY } });
  }, 60_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
    if (chunkLines === undefined) delete process.env.SYNC_CHUNK_LINES;
    else process.env.SYNC_CHUNK_LINES = chunkLines;
    resetEnvCache();
  });

  const ordersStep = async () => (await getDb().select().from(syncSteps).where(and(eq(syncSteps.storeId, ctx.storeId), eq(syncSteps.entity, "orders"))))[0]!;
  const storedOrders = async () => ((await getSql()`select count(*)::int as n from shop_orders where store_id = ${ctx.storeId}`) as [{ n: number }])[0].n;

  it("commits nothing after the uninstall, keeps the step failed where it was, and says why", async () => {
    const hold = holdControl(ctx.emulator.url, SHOP);
    // The orders result (~3,000 lines) is served up to line 1,000, then held mid-download.
    await hold.set({ downloadAfterLines: 1_000 });
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion", "sync"], graceMs: 500 });
    await hold.waitFor({ downloads: 1, timeoutMs: 60_000 });
    const step = await eventually(async () => {
      const s = await ordersStep();
      return s.rootsPromoted > 0 && s.rootsPromoted === s.rootsStaged ? s : undefined;
    }, { timeoutMs: 30_000, label: "the chunks before the hold to be promoted" });
    expect(step.phase).toBe("staging");

    // The merchant removes the app: Shopify sends app/uninstalled, which our worker applies.
    const shop = ctx.emulator.state.shop(SHOP)!;
    ctx.emulator.effects.uninstall(shop, [...shop.installedApps][0]!);
    await eventually(async () => ((await ordersStep()).phase === "failed" ? true : undefined), { timeoutMs: 30_000, label: "the uninstall to stop the sync" });
    const atStop = { step: await ordersStep(), orders: await storedOrders() };

    // The download goes on to its end; the import job finds the step stopped at its next write.
    await hold.release();
    await eventually(async () => ((await infra.queue.counts("sync")).active === 0 ? true : undefined), { timeoutMs: 30_000, label: "the sync jobs to end" });
    await new Promise((r) => setTimeout(r, 500));

    const after = await ordersStep();
    expect(after.phase).toBe("failed");
    expect(after.failedPhase).toBe("staging");
    expect(after.rootsPromoted).toBe(atStop.step.rootsPromoted);
    expect(after.rootsStaged).toBe(atStop.step.rootsStaged);
    expect(after.finishedAt).toBeNull();
    expect(await storedOrders()).toBe(atStop.orders);
    expect(atStop.orders).toBeLessThan(800);
    expect(after.error).toBe(`Stopped: the Brandbase app was uninstalled from ${SHOP}.`);
    expect(after.failures).toEqual([expect.objectContaining({ phase: "staging", error: after.error })]);
    const [run] = await getDb().select().from(syncRuns).where(eq(syncRuns.storeId, ctx.storeId)).orderBy(desc(syncRuns.startedAt)).limit(1);
    expect(run).toMatchObject({ status: "failed", stopReason: after.error });
    expect((await getDb().select({ status: stores.status }).from(stores).where(eq(stores.id, ctx.storeId)))[0]!.status).toBe("uninstalled");
    expectNoEndpointErrors(ctx.endpoint);
  }, 120_000);

  it("refuses Retry and Retry all on an uninstalled store with a sentence that says to reconnect", async () => {
    const caller = callerFor(ctx.owner, infra);
    const status = await caller.sync.status({ brand: ctx.brand.slug });
    const store = status.stores[0]!;
    expect(store.status).toBe("uninstalled");
    expect(store.run!.stopReason).toMatch(/uninstalled/);
    const failed = store.run!.steps.filter((s) => s.phase === "failed");
    expect(failed.length).toBeGreaterThan(0);
    const reconnect = `The Brandbase app was uninstalled from ${SHOP}. Reconnect the store to sync it again.`;
    await expect(caller.sync.retryStep({ brand: ctx.brand.slug, stepId: failed[0]!.id })).rejects.toMatchObject({ code: "CONFLICT", message: reconnect });
    await expect(caller.sync.retryRun({ brand: ctx.brand.slug, runId: store.run!.id })).rejects.toMatchObject({ code: "CONFLICT", message: reconnect });
    await expect(caller.sync.check({ brand: ctx.brand.slug, storeId: store.id })).rejects.toMatchObject({ code: "CONFLICT", message: reconnect });
    // Nothing moved: the steps are still failed, not flipped to running.
    const again = await caller.sync.status({ brand: ctx.brand.slug });
    expect(again.stores[0]!.run!.steps.map((s) => s.phase)).toEqual(store.run!.steps.map((s) => s.phase));
  }, 30_000);
});
