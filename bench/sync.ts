/**
 * History sync speed, through the product's own path: a store of N orders (about 3 line items
 * each, some refunds), N/5 customers and 5,000 products in the emulator (a process of its own); the
 * real sync worker (`src/workers/index.ts sync`, the workers' Node flags) in a process of its own.
 *
 * Untimed: the history sync starts as connecting a store starts it (`startHistorySync`); the
 * worker's `bulk_*` jobs start the three bulk exports with the app's own queries; once they run, the
 * sync queue is paused and the exports go on to COMPLETED. Timed: from "the results are ready" — the
 * `bulk_operations/finish` webhook's service (`onBulkOperationFinished`) for each, and the queue
 * resumed — until the run is done and its completeness check recorded: poll jobs, download,
 * staging, promotion, progress publishing, the money window, finishing each step and the run, all
 * in the worker's own jobs (`pollBulkStep`, `runBulkStep`), nothing reimplemented here.
 *
 * Then the store is checked against the shop (counts, line items, refunds, money per currency,
 * no orphans: bench/lib/sync-verify.ts), and three floors are measured on the same rows in the same
 * database (bench/lib/sync-floors.ts): COPY into the empty tables; COPY into staging + INSERT …
 * SELECT; COPY into staging + INSERT … SELECT … ON CONFLICT. Prints one JSON line.
 *
 *   npm run bench -- sync [--orders 1000000] [--customers 200000] [--products 5000]
 *
 * WORKER_NODE_FLAGS overrides the worker's Node flags (default: the workers' own, --optimize-for-size);
 * BENCH_DATABASE_URL / BENCH_REDIS_URL the servers (default: the local ones the tests use).
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Session } from "@shopify/shopify-api";
import postgres from "postgres";
import { closeDb, getDb, getSql } from "../src/server/db/client";
import { migrateDatabase } from "../src/server/db/migrate";
import { closeInfra, getInfra } from "../src/server/infra";
import { createJobProducer } from "../src/server/jobs/queue";
import { getLogger } from "../src/server/logger";
import { enqueueProbe } from "../src/server/services/queues/probe";
import { onBulkOperationFinished, startHistorySync } from "../src/server/services/sync/history";
import { syncChannel } from "../src/server/services/sync/progress";
import { getShopify } from "../src/server/shopify/api";
import { installShopifyRouting } from "../src/server/shopify/install";
import { getSessionStorage } from "../src/server/shopify/session-storage";
import { startEmulatorProcess } from "./lib/emulator-process";
import { procStats } from "./lib/proc-stats";
import { measureFloors } from "./lib/sync-floors";
import { type ShopTruth, verifySync } from "./lib/sync-verify";

const { values } = parseArgs({
  options: { orders: { type: "string", default: "1000000" }, customers: { type: "string" }, products: { type: "string", default: "5000" } },
});
const ORDERS = Number(values.orders);
const CUSTOMERS = Number(values.customers ?? Math.round(ORDERS / 5));
const PRODUCTS = Number(values.products);
const SHOP = "bench-sync.myshopify.com";
const API_KEY = "bench";
const API_SECRET = "bench-secret-0123456789";
const SCOPES = "read_orders,read_customers,read_products";
const root = path.resolve(import.meta.dirname, "..");
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30 * 60_000);
const log = (msg: string) => console.error(`bench sync: ${msg}`);

// 1. The emulator, and a database of the run's own.
const emulator = await startEmulatorProcess({ shop: SHOP, orders: ORDERS, customers: CUSTOMERS, products: PRODUCTS, clientId: API_KEY, clientSecret: API_SECRET });
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `brandbase_bench_${process.pid}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName}`);
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
// A failed run still drops its database (the emulator and the worker go down with this process).
process.on("uncaughtException", (err) => {
  console.error(err);
  admin
    .unsafe(`drop database if exists ${dbName} with (force)`)
    .catch(() => {})
    .finally(() => process.exit(1));
});
await migrateDatabase(dbUrl.toString());

// The environment of this process and of the worker process alike (read lazily by getEnv).
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: dbUrl.toString(),
  REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX: `bench-${process.pid}`,
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET,
  SHOPIFY_SCOPES: SCOPES,
  SHOPIFY_EMULATOR_URL: emulator.url,
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  // The app is never called back here; `.invalid` never resolves.
  APP_URL: "http://brandbase-bench.invalid",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});
installShopifyRouting();
const sql = getSql();
const db = getDb();
const infra = getInfra();
const jobs = createJobProducer(infra.queue);
const storage = await getSessionStorage();
const deps = { db, sql, shopify: getShopify(), storage, jobs, pubsub: infra.pubsub, log: getLogger() };

// 2. A brand with the shop connected: an offline session (tokens encrypted) and a connected store.
const brandId = randomUUID();
const storeId = randomUUID();
await sql`insert into brands (id, name, slug) values (${brandId}, 'Bench', 'bench')`;
const minted = await fetch(`${emulator.url}/_emulator/shops/${SHOP}/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: API_KEY }) });
const { accessToken } = (await minted.json()) as { accessToken: string };
const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "bench", isOnline: false, accessToken, scope: SCOPES });
await storage.storeSession(session);
await sql`insert into stores (id, brand_id, shop_domain, status, scopes, session_id) values (${storeId}, ${brandId}, ${SHOP}, 'connected', ${SCOPES}, ${session.id})`;

// 3. The sync worker, in a process of its own (its logs go to stderr: stdout carries the JSON line).
const flags = (process.env.WORKER_NODE_FLAGS ?? "--optimize-for-size").split(" ").filter(Boolean);
const worker = spawn(process.execPath, [...flags, "--import", "tsx", "src/workers/index.ts", "sync"], { cwd: root, env: process.env, stdio: ["ignore", 2, 2] });
let stopping = false;
const workerExit = new Promise<number | null>((resolve) => worker.on("exit", resolve));
void workerExit.then((code) => {
  if (stopping) return;
  console.error(`bench sync: the worker exited (${code}) before the end`);
  process.exit(1);
});
process.on("exit", () => worker.exitCode === null && worker.kill("SIGKILL"));
const probe = await enqueueProbe({ jobs, pubsub: infra.pubsub }, { brandId, queue: "sync" });
await until(async () => Boolean((await infra.queue.getJob("sync", probe.jobId))?.finishedAt), "the worker to take a first job");
log("worker ready");

// 4. Untimed: the history sync starts as connecting a store starts it; the worker starts the three
// exports; the queue is held once they run (a poll that slips in before only finds them running).
const announcements = new Set<() => void>();
const unsubscribe = await infra.pubsub.subscribe(syncChannel(brandId), () => announcements.forEach((f) => f()));
const exportStarted = performance.now();
const { runId } = await startHistorySync(deps, { brandId, storeId });
const exporting = async () => Number((await sql`select count(*) as n from sync_steps where run_id = ${runId} and bulk_operation_id is not null`)[0]!.n) === 3;
await onAnnouncement(exporting, "the three exports to start");
await infra.queue.pause("sync");
const operations = await sql<{ entity: string; operationId: string }[]>`select entity, bulk_operation_id as "operationId" from sync_steps where run_id = ${runId}`;
await until(async () => (await Promise.all(operations.map((o) => exportStatus(o.operationId)))).every((s) => s === "COMPLETED"), "the bulk exports");
const exportSeconds = (performance.now() - exportStarted) / 1000;
log(`exports ready in ${exportSeconds.toFixed(1)} s`);

// 5. Timed: the results are ready → the run is done and checked.
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
for (const o of operations) await onBulkOperationFinished({ db, jobs }, { shopDomain: SHOP, operationId: o.operationId });
await infra.queue.resume("sync");
await done;
const seconds = (performance.now() - t0) / 1000;
const after = procStats(worker.pid!);
await unsubscribe();
log(`history sync done in ${seconds.toFixed(1)} s`);

const stepRows = await sql<{ entity: string; ms: string; timings: Record<string, number>; objects: string; bytes: string | null }[]>`
  select entity, round(extract(epoch from finished_at - ${t0Db}::timestamptz) * 1000) as ms, timings, object_count as objects, file_size as bytes
  from sync_steps where run_id = ${runId} order by entity`;
stopping = true;
worker.kill("SIGTERM");
await workerExit;

// 6. The store against the shop, then the floors (which empty the tables).
const truth = (await (await fetch(`${emulator.url}/_emulator/shops/${SHOP}/truth`)).json()) as ShopTruth;
const verified = await verifySync(sql, { storeId, runId, truth });
log("verified against the shop; measuring the floors");
const floors = await measureFloors(sql, { storeId, databaseUrl: dbUrl.toString() });

await closeInfra();
await closeDb();
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.end();
emulator.stop();

const perSecond = (s: number) => Math.round(ORDERS / s);
const floorSeconds = { copy: floors.copy_s, insert: floors.staging_copy_s + floors.insert_s, upsert: floors.staging_copy_s + floors.upsert_s };
const ratio = (s: number) => Number((s / seconds).toFixed(3));
console.log(
  JSON.stringify({
    bench: "sync",
    orders: ORDERS,
    customers: CUSTOMERS,
    products: PRODUCTS,
    line_items: verified.lineItems,
    refunds: verified.refunds,
    variants: verified.variants,
    objects: stepRows.reduce((n, s) => n + Number(s.objects), 0),
    result_mb: Math.round(stepRows.reduce((n, s) => n + Number(s.bytes ?? 0), 0) / 2 ** 20),
    orders_per_s: perSecond(seconds),
    floor_copy_orders_per_s: perSecond(floorSeconds.copy),
    floor_insert_orders_per_s: perSecond(floorSeconds.insert),
    floor_upsert_orders_per_s: perSecond(floorSeconds.upsert),
    ratio_copy: ratio(floorSeconds.copy),
    ratio_insert: ratio(floorSeconds.insert),
    ratio_upsert: ratio(floorSeconds.upsert),
    seconds: Number(seconds.toFixed(2)),
    promoted_s: Number((Math.max(...stepRows.map((s) => Number(s.ms))) / 1000).toFixed(2)),
    per_entity_ms: Object.fromEntries(stepRows.map((s) => [s.entity, Number(s.ms)])),
    phase_ms: Object.fromEntries(stepRows.map((s) => [s.entity, s.timings])),
    peak_rss_mb: after.peakRssMb,
    worker_rss_at_start_mb: before.rssMb,
    worker_cpu_s: Number((after.cpuSeconds - before.cpuSeconds).toFixed(2)),
    floor: { copy_s: floors.copy_s, staging_copy_s: floors.staging_copy_s, insert_s: floors.insert_s, upsert_s: floors.upsert_s, ms: floors.ms },
    verified,
    export_s: Number(exportSeconds.toFixed(1)),
    node: process.version,
    cpus: os.availableParallelism(),
  }),
);
process.exit(0);

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

/** Polls an untimed condition (setup only: the timed part waits on the sync's own announcements). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function exportStatus(operationId: string): Promise<string> {
  const res = await fetch(`${emulator.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": accessToken, "x-shopify-emulator-shop": SHOP },
    body: JSON.stringify({ query: `query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }`, variables: { id: operationId } }),
  });
  const status = ((await res.json()) as { data: { node: { status: string } } }).data.node.status;
  if (status === "FAILED" || status === "CANCELED" || status === "EXPIRED") throw new Error(`a bulk export ended ${status}`);
  return status;
}
