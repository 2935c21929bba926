import { spawn } from "node:child_process";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { syncSteps } from "~/server/db/schema";
import { getEnv } from "~/server/env";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { syncChannel } from "~/server/services/sync/progress";
import { holdControl } from "../emulator/harness";
import { processInfra, servicesReady } from "../helpers/context";
import { connectedShop, duplicateRows, localTruth, waitForRun } from "../helpers/sync-harness";

const root = path.resolve(import.meta.dirname, "../..");
const SHOP = "crash-shop.myshopify.com";

/**
 * The real sync worker (`npm run workers -- sync`), configured like this test's services. Node runs
 * it directly with tsx's loader (tsx's CLI would put a process of its own in between, and a SIGKILL
 * of that one leaves the worker running).
 */
function startSyncWorker(emulatorUrl: string) {
  const env = getEnv();
  const child = spawn(process.execPath, ["--import", "tsx", "src/workers/index.ts", "sync"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      QUEUE_PREFIX: env.QUEUE_PREFIX,
      SHOPIFY_EMULATOR_URL: emulatorUrl,
      // A killed worker's job is taken over within a few seconds; small chunks make many transactions to die in.
      QUEUE_LOCK_MS: "2000",
      SYNC_CHUNK_LINES: "15000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { child, exited, output: () => output };
}

describe.skipIf(!servicesReady)("a sync worker killed mid-sync", () => {
  let infra: Infra;
  let ingestion: RunningWorkers;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    ctx = await connectedShop({ infra, apiKey: "crash-app", shop: SHOP, shopSpec: { seed: 77, orders: 60_000, customers: 8_000, products: 80, days: 500 }, limits: { bucketSize: 10_000, restoreRate: 1_000 } });
    // Webhooks (bulk_operations/finish among them) are applied here; the sync queue runs in the child process.
    ingestion = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion"], graceMs: 500 });
  }, 120_000);
  afterAll(async () => {
    await ingestion?.stop();
    await ctx?.close();
    await closeInfra();
  });

  const ordersStep = async () => (await getDb().select().from(syncSteps).where(and(eq(syncSteps.storeId, ctx.storeId), eq(syncSteps.entity, "orders"))))[0];

  /** Re-checks the orders step each time the worker announces progress (it publishes after every commit). */
  async function whenOrdersStep(check: (s: NonNullable<Awaited<ReturnType<typeof ordersStep>>>) => boolean, label: string) {
    type Step = NonNullable<Awaited<ReturnType<typeof ordersStep>>>;
    let settle!: { resolve: (s: Step) => void; reject: (e: unknown) => void };
    const reached = new Promise<Step>((resolve, reject) => (settle = { resolve, reject }));
    let running = false;
    let again = false;
    const recheck = async () => {
      if (running) return void (again = true);
      running = true;
      try {
        do {
          again = false;
          const s = await ordersStep();
          if (s && check(s)) return settle.resolve(s);
        } while (again);
      } catch (err) {
        settle.reject(err);
      } finally {
        running = false;
      }
    };
    const unsubscribe = await infra.pubsub.subscribe(syncChannel(ctx.brand.id), () => void recheck());
    const timer = setTimeout(() => settle.reject(new Error(`Timed out waiting for ${label}`)), 120_000);
    void recheck();
    try {
      return await reached;
    } finally {
      clearTimeout(timer);
      await unsubscribe();
    }
  }

  it("resumes after SIGKILL during staging and again during promotion, ending with exactly the shop's data", async () => {
    // The orders result (about 240k lines, 15k-line chunks) is served only up to a line at a time:
    // each worker stages and promotes what came, then waits mid-file for as long as the test looks.
    const hold = holdControl(ctx.emulator.url, SHOP);
    await hold.set({ downloadAfterLines: 40_000 });

    // 1. Killed while the orders result is being staged (some chunks committed, the file not done).
    let worker = startSyncWorker(ctx.emulator.url);
    const staging = await whenOrdersStep((s) => s.phase === "staging" && s.rootsStaged > 0, "orders staging");
    expect((await hold.waitFor({ downloads: 1 })).held.downloads[0]!.line).toBe(40_000);
    worker.child.kill("SIGKILL");
    await worker.exited;
    expect(staging.rootsStaged).toBeLessThan(60_000);

    // 2. A new worker takes the stalled job over and resumes from the last promoted chunk (a Range
    // request), getting further this time; killed again once it has promoted more.
    await hold.set({ downloadAfterLines: 120_000 });
    worker = startSyncWorker(ctx.emulator.url);
    const promoting = await whenOrdersStep((s) => (s.phase === "promoting" || s.phase === "staging") && s.rootsPromoted > staging.rootsPromoted, "orders promotion");
    expect((await hold.waitFor({ downloads: 1 })).held.downloads[0]!.line).toBe(120_000);
    worker.child.kill("SIGKILL");
    await worker.exited;
    expect(promoting.rootsPromoted).toBeLessThan(60_000);

    // 3. A third worker finishes the job, the whole file served.
    await hold.release();
    worker = startSyncWorker(ctx.emulator.url);
    try {
      await waitForRun(ctx.storeId, 180_000);
    } finally {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    const done = await ordersStep();
    expect(done!.phase).toBe("done");
    expect(done!.rootsPromoted).toBe(60_000);
    // Wait for webhooks still in flight (none change data here), then compare with the truth.
    await ctx.expectEqualsShop({ label: "after two crashes and a resumed sync" });
    expect(await localTruth(ctx.storeId)).toEqual(ctx.emulator.state.shop(SHOP)!.store.truth());
    expect(await duplicateRows(ctx.storeId)).toBe(0);
  }, 300_000);
});
