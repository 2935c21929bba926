import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { syncRuns, syncSteps } from "~/server/db/schema";
import { createDeps } from "~/server/deps";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { resumeStalledSteps } from "~/server/services/sync/history";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { processInfra, servicesReady } from "../helpers/context";
import { connectedShop, localTruth, waitForRun } from "../helpers/sync-harness";

const SHOP = "stalled-shop.myshopify.com";

/**
 * A history sync whose jobs were lost with Redis (restarted empty): its steps sit in Postgres with
 * no job anywhere. The stalled-steps sweep gives each one a job again, once, and the sync then
 * finishes with the shop's data — nothing restarted by hand.
 */
describe.skipIf(!servicesReady)("history sync steps whose jobs were lost", () => {
  let infra: Infra;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;
  let workers: RunningWorkers | undefined;

  beforeAll(async () => {
    infra = processInfra();
    ctx = await connectedShop({ infra, apiKey: "stalled", shop: SHOP, shopSpec: { orders: 60, customers: 20, products: 5 } });
  });
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  it("get a job again from the sweep, and the sync completes", async () => {
    const [run] = await getDb().select().from(syncRuns).where(eq(syncRuns.storeId, ctx.storeId));
    const steps = await getDb().select().from(syncSteps).where(eq(syncSteps.runId, run!.id));
    expect(steps.map((s) => s.phase)).toEqual(["queued", "queued", "queued"]);
    // What losing Redis leaves: the steps' jobs are gone, and the steps have not moved for minutes.
    for (const step of steps) await infra.queue.remove("sync", `bulk-${step.id}-start`);
    expect(await infra.queue.counts("sync")).toMatchObject({ waiting: 1, delayed: 0 }); // the recent sync only
    await getDb().update(syncSteps).set({ updatedAt: sql`now() - interval '10 minutes'` }).where(eq(syncSteps.runId, run!.id));

    const deps = createDeps({ infra, log: getLogger() });
    // This store's steps (other suites may have left steps of their own stores that a sweep would take too).
    expect(await resumeStalledSteps(deps, { stalledForMs: 120_000, storeId: ctx.storeId })).toBe(3);
    // A second sweep in the same window finds the same steps and queues nothing new (the job ids are the window's).
    await resumeStalledSteps(deps, { stalledForMs: 120_000, storeId: ctx.storeId });
    const queued = await infra.queue.listJobs("sync", "waiting", 0, 20);
    expect(queued.filter((j) => j.id.includes("-resume-")).map((j) => j.name).sort()).toEqual(["bulk_customers", "bulk_orders", "bulk_products"]);

    workers = startWorkers({ infra, log: getLogger() }, { queues: ["sync", "ingestion"], graceMs: 1_000 });
    await waitForRun(ctx.storeId);
    const truth = ctx.emulator.state.shop(SHOP)!.store.truth();
    expect(truth.counts).toMatchObject({ orders: 60, customers: 20, products: 5 });
    expect(await localTruth(ctx.storeId)).toEqual(truth);
  }, 120_000);
});
