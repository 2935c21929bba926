/**
 * A store loaded through the product's own sync path, for benchmarks: the emulator with one shop
 * (a process of its own), a database of the run's own (migrated), a brand with the shop connected
 * (an offline session, tokens encrypted), and the real sync worker (`src/workers/index.ts sync`) in
 * a process of its own. `historySync()` runs the history sync as connecting a store starts it and
 * times it from "the exports' results are ready" to "the run is done and checked".
 *
 * BENCH_DATABASE_URL / BENCH_REDIS_URL name the servers (bench-database.ts);
 * WORKER_NODE_FLAGS the worker's Node flags (default: the workers' own, --optimize-for-size).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { Session } from "@shopify/shopify-api";
import { getDb, getSql } from "../../src/server/db/client";
import { getInfra } from "../../src/server/infra";
import { createJobProducer } from "../../src/server/jobs/queue";
import { getLogger } from "../../src/server/logger";
import { enqueueProbe } from "../../src/server/services/queues/probe";
import { onBulkOperationFinished, startHistorySync } from "../../src/server/services/sync/history";
import { syncChannel } from "../../src/server/services/sync/progress";
import { getShopify } from "../../src/server/shopify/api";
import { installShopifyRouting } from "../../src/server/shopify/install";
import { getSessionStorage } from "../../src/server/shopify/session-storage";
import { openBenchDatabase } from "./bench-database";
import { startEmulatorProcess } from "./emulator-process";
import { procStats } from "./proc-stats";

const API_KEY = "bench";
const API_SECRET = "bench-secret-0123456789";
const SCOPES = "read_orders,read_customers,read_products";
const root = path.resolve(import.meta.dirname, "../..");
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000);

export interface StoreSize {
  orders: number;
  customers: number;
  products: number;
}

export type BenchStore = Awaited<ReturnType<typeof openBenchStore>>;

/**
 * Everything up to a connected store and a ready worker. `brandId` names the brand to connect the
 * store to (created here when absent); `beforeConnect` runs once the database and environment are
 * ready, before the brand is made (to create it through the product instead).
 */
export async function openBenchStore(opts: StoreSize & { shop: string; label: string; log: (msg: string) => void; beforeConnect?: () => Promise<{ brandId: string } | void> }) {
  const emulator = await startEmulatorProcess({ shop: opts.shop, orders: opts.orders, customers: opts.customers, products: opts.products, clientId: API_KEY, clientSecret: API_SECRET });
  const database = await openBenchDatabase({
    label: opts.label,
    env: { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, SHOPIFY_SCOPES: SCOPES, SHOPIFY_EMULATOR_URL: emulator.url },
  });
  const dbUrl = new URL(database.dbUrl);
  installShopifyRouting();
  const sql = getSql();
  const db = getDb();
  const infra = getInfra();
  const jobs = createJobProducer(infra.queue);
  const storage = await getSessionStorage();
  const deps = { db, sql, shopify: getShopify(), storage, jobs, pubsub: infra.pubsub, log: getLogger() };

  // A brand with the shop connected: an offline session (tokens encrypted) and a connected store.
  const made = await opts.beforeConnect?.();
  const brandId = made?.brandId ?? randomUUID();
  if (!made) await sql`insert into brands (id, name, slug) values (${brandId}, 'Bench', ${`bench-${opts.label}`})`;
  const storeId = randomUUID();
  const minted = await fetch(`${emulator.url}/_emulator/shops/${opts.shop}/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: API_KEY }) });
  const { accessToken } = (await minted.json()) as { accessToken: string };
  const session = new Session({ id: `offline_${opts.shop}`, shop: opts.shop, state: "bench", isOnline: false, accessToken, scope: SCOPES });
  await storage.storeSession(session);
  await sql`insert into stores (id, brand_id, shop_domain, status, scopes, session_id, currency, iana_timezone)
    values (${storeId}, ${brandId}, ${opts.shop}, 'connected', ${SCOPES}, ${session.id}, 'USD', 'America/New_York')`;

  // The sync worker, in a process of its own (its logs go to stderr: stdout carries the JSON line).
  const flags = (process.env.WORKER_NODE_FLAGS ?? "--optimize-for-size").split(" ").filter(Boolean);
  let stopping = false;
  const worker: ChildProcess = spawn(process.execPath, [...flags, "--import", "tsx", "src/workers/index.ts", "sync"], { cwd: root, env: process.env, stdio: ["ignore", 2, 2] });
  const workerExit = new Promise<number | null>((resolve) => worker.on("exit", resolve));
  void workerExit.then((code) => {
    if (stopping) return;
    console.error(`bench: the sync worker exited (${code}) before the end`);
    process.exit(1);
  });
  process.on("exit", () => worker.exitCode === null && worker.kill("SIGKILL"));
  const probe = await enqueueProbe({ jobs, pubsub: infra.pubsub }, { brandId, queue: "sync" });
  await until(async () => Boolean((await infra.queue.getJob("sync", probe.jobId))?.finishedAt), "the worker to take a first job");
  opts.log("worker ready");

  const announcements = new Set<() => void>();
  const unsubscribe = await infra.pubsub.subscribe(syncChannel(brandId), () => announcements.forEach((f) => f()));

  /**
   * Resolves once `check` holds, checking on each of the brand's sync announcements (the run's last
   * follows its completeness check) and on a slow tick in case a message is lost; rejects when
   * `check` throws or time runs out.
   */
  function onAnnouncement(check: () => Promise<boolean>, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let busy = false;
      const stop = () => {
        announcements.delete(run);
        clearInterval(tick);
        clearTimeout(timeout);
      };
      const run = () => {
        if (busy) return;
        busy = true;
        check().then(
          (ok) => {
            busy = false;
            if (!ok) return;
            stop();
            resolve();
          },
          (err: Error) => {
            stop();
            reject(err);
          },
        );
      };
      announcements.add(run);
      const tick = setInterval(run, 1_000);
      const timeout = setTimeout(() => {
        stop();
        reject(new Error(`timed out waiting for ${what}`));
      }, TIMEOUT_MS);
      run();
    });
  }

  async function exportStatus(operationId: string): Promise<string> {
    const res = await fetch(`${emulator.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": accessToken, "x-shopify-emulator-shop": opts.shop },
      body: JSON.stringify({ query: `query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, variables: { id: operationId } }),
    });
    const status = ((await res.json()) as { data: { node: { status: string } } }).data.node.status;
    if (status === "FAILED" || status === "CANCELED" || status === "EXPIRED") throw new Error(`a bulk export ended ${status}`);
    return status;
  }

  /**
   * Untimed: the history sync starts as connecting a store starts it; the worker starts the three
   * exports; the queue is held once they run (a poll that slips in before only finds them running).
   * Timed: from "the results are ready" — the `bulk_operations/finish` webhook's service for each,
   * and the queue resumed — until the run is done and its completeness check recorded.
   */
  async function historySync() {
    const exportStarted = performance.now();
    const { runId } = await startHistorySync(deps, { brandId, storeId });
    const exporting = async () => Number((await sql`select count(*) as n from sync_steps where run_id = ${runId} and bulk_operation_id is not null`)[0]!.n) === 3;
    await onAnnouncement(exporting, "the three exports to start");
    await infra.queue.pause("sync");
    const operations = await sql<{ entity: string; operationId: string }[]>`select entity, bulk_operation_id as "operationId" from sync_steps where run_id = ${runId}`;
    await until(async () => (await Promise.all(operations.map((o) => exportStatus(o.operationId)))).every((s) => s === "COMPLETED"), "the bulk exports");
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    opts.log(`exports ready in ${exportSeconds.toFixed(1)} s`);

    const runDone = async () => {
      const [run] = await sql<{ status: string; checked: boolean; errors: string | null }[]>`select r.status,
        exists (select 1 from sync_checks c where c.store_id = r.store_id and c.trigger = 'history') as checked,
        (select string_agg(s.entity || ': ' || s.error, '; ') from sync_steps s where s.run_id = r.id and s.phase = 'failed') as errors
        from sync_runs r where r.id = ${runId}`;
      if (run?.status === "failed") throw new Error(`the history sync failed: ${run.errors}`);
      return run?.status === "done" && run.checked;
    };
    const [{ t0Db }] = (await sql`select clock_timestamp() as "t0Db"`) as unknown as [{ t0Db: Date }];
    const before = procStats(worker.pid!);
    const t0 = performance.now();
    const done = onAnnouncement(runDone, "the history sync to finish");
    for (const o of operations) await onBulkOperationFinished({ db, jobs }, { shopDomain: opts.shop, operationId: o.operationId });
    await infra.queue.resume("sync");
    await done;
    const seconds = (performance.now() - t0) / 1000;
    const after = procStats(worker.pid!);
    opts.log(`history sync done in ${seconds.toFixed(1)} s`);
    const steps = await sql<{ entity: string; ms: string; timings: Record<string, number>; objects: string; bytes: string | null }[]>`
      select entity, round(extract(epoch from finished_at - ${t0Db}::timestamptz) * 1000) as ms, timings, object_count as objects, file_size as bytes
      from sync_steps where run_id = ${runId} order by entity`;
    return { runId, seconds, exportSeconds, steps, workerBefore: before, workerAfter: after };
  }

  async function stopWorker() {
    stopping = true;
    worker.kill("SIGTERM");
    await workerExit;
  }

  /** Everything down, the database dropped. */
  async function close() {
    await unsubscribe();
    if (!stopping) await stopWorker();
    await database.drop();
    emulator.stop();
  }

  return { emulator, dbUrl: dbUrl.toString(), sql, db, infra, deps, brandId, storeId, shop: opts.shop, historySync, stopWorker, close };
}

/** Polls an untimed condition (setup only). */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
