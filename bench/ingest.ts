/**
 * The event API and Shopify's webhooks under load, against the web app as it runs in production
 * (`scripts/server.ts` after `next build`, a process of its own; the load generator — autocannon —
 * in this process, on the same machine):
 *   1. single-event requests: `POST /v1/track`, keep-alive, `--connections` (64) at once;
 *   2. `/v1/batch` with 100 events per request;
 *   3. signed Shopify `orders/create` deliveries to `/api/webhooks/shopify` (32 at once);
 *   4. the identity backlog those left, drained by an `ingestion` worker process.
 * Floors in the same run: a bare node:http server doing one INSERT per request into the same table
 * (same load; for webhooks, the same 8 KB body into webhook_deliveries), and COPY of as many events
 * into the same table. Prints one JSON line:
 *   single_rps, single_p99_ms, single_floor_rps, batch_events_per_s, floor_events_per_s, ratio
 *   (batched over the COPY floor), webhook_rps, webhook_p99_ms, webhook_floor_rps, drain_events_per_s.
 * Goals: ≥ 5,000 single requests/s with p99 ≤ 50 ms, ≥ 20,000 events/s batched, ratio ≥ 0.5,
 * webhooks ≥ 2,000/s with p99 ≤ 50 ms, the backlog drained at ≥ 10,000 events/s.
 *
 *   npm run bench -- ingest [--seconds 10] [--connections 64]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import postgres from "postgres";
import { createSource } from "../src/server/services/events/sources";
import { freePort } from "./lib/emulator-process";
import { openBenchStore, until } from "./lib/synced-store";
import { buildAppIfNeeded, startWebApp } from "./lib/web-app";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, connections: { type: "string", default: "64" } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const BATCH = 100;
const root = path.resolve(import.meta.dirname, "..");
const log = (msg: string) => console.error(`bench ingest: ${msg}`);

await buildAppIfNeeded(log);
// A connected store (for the webhooks), in a database of the run's own.
const store = await openBenchStore({ shop: "bench-ingest.myshopify.com", label: "ingest", orders: 20, customers: 10, products: 5, log });
await store.stopWorker();
const deps = { db: store.db, env: { TOKEN_ENCRYPTION_KEY: process.env.TOKEN_ENCRYPTION_KEY }, pubsub: store.infra.pubsub };
const { writeKey } = await createSource(deps, { brandId: store.brandId, name: "Bench", userId: null });
const floorSource = await createSource(deps, { brandId: store.brandId, name: "Floor", userId: null });
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`;

const port = await freePort();
const web = await startWebApp({ port, env: { EVENTS_PER_SECOND_PER_SOURCE: "10000000", LOG_LEVEL: "warn" } });
const run = process.pid.toString(36);
let n = 0;
const trackBody = () => JSON.stringify({ userId: `user-${n % 20_000}`, event: "Product Viewed", messageId: `${run}-s-${n++}`, properties: { sku: `SKU-${n % 500}`, price: 19.99 }, context: { library: { name: "bench" } } });

async function load(opts: { path: string; connections: number; body: () => string; headers: Record<string, string> | (() => Record<string, string>) }) {
  const result = await autocannon({
    url: `${web.base}${opts.path}`,
    connections: opts.connections,
    duration: SECONDS,
    method: "POST",
    requests: [
      {
        setupRequest: (req) => {
          const body = opts.body();
          const headers = typeof opts.headers === "function" ? opts.headers() : opts.headers;
          return { ...req, body, headers: { "content-type": "application/json", ...headers } };
        },
      },
    ],
  });
  const ok = result.requests.total - result.non2xx - result.errors;
  if (result.non2xx || result.errors) log(`${opts.path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: Math.round(ok / (result.duration || SECONDS)), p99: result.latency.p99, ok, non2xx: result.non2xx, errors: result.errors };
}

// 1. Single events. A short warm-up first (JIT, pools, the write key's cache).
await load({ path: "/v1/track", connections: CONNECTIONS, body: trackBody, headers: { authorization: auth } }).catch(() => {});
const single = await load({ path: "/v1/track", connections: CONNECTIONS, body: trackBody, headers: { authorization: auth } });
log(`single: ${single.rps} req/s, p99 ${single.p99} ms`);

// 2. Batches of 100.
const batchBody = () => JSON.stringify({ batch: Array.from({ length: BATCH }, () => ({ type: "track", ...JSON.parse(trackBody()) })), sentAt: new Date().toISOString() });
const batch = await load({ path: "/v1/batch", connections: 16, body: batchBody, headers: { authorization: auth } });
const batchEvents = batch.rps * BATCH;
log(`batch: ${batchEvents} events/s (${batch.rps} req/s), p99 ${batch.p99} ms`);

// 3. Signed webhooks (one body, a new event id per delivery, as a flash sale's orders/create would be).
const order = readFileSync(path.join(root, "tests/fixtures/shopify/orders-create.json"), "utf8");
const hmac = createHmac("sha256", process.env.SHOPIFY_API_SECRET!).update(order).digest("base64");
const webhook = await load({
  path: "/api/webhooks/shopify",
  connections: 32,
  body: () => order,
  headers: () => ({
    "x-shopify-topic": "orders/create",
    "x-shopify-hmac-sha256": hmac,
    "x-shopify-shop-domain": store.shop,
    "x-shopify-api-version": "2026-10",
    "x-shopify-webhook-id": randomUUID(),
    "x-shopify-event-id": randomUUID(),
    "x-shopify-triggered-at": new Date().toISOString(),
  }),
});
log(`webhooks: ${webhook.rps}/s, p99 ${webhook.p99} ms`);
web.stop();

// Floor 1: one INSERT per request, bare node:http, same load.
const floorPort = await freePort();
const floor: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["bench/lib/insert-floor.ts", String(floorPort)], {
  cwd: root,
  env: { ...process.env, FLOOR_BRAND_ID: store.brandId, FLOOR_SOURCE_ID: floorSource.source.id },
  stdio: ["ignore", "ignore", 2],
});
await until(() => fetch(`http://127.0.0.1:${floorPort}/`, { method: "POST", body: JSON.stringify({ messageId: `${run}-probe`, userId: "u", event: "E" }) }).then((r) => r.ok, () => false), "the floor server", 30_000);
const floorBase = `http://127.0.0.1:${floorPort}`;
const floorResult = await autocannon({
  url: `${floorBase}/v1/track`,
  connections: CONNECTIONS,
  duration: SECONDS,
  method: "POST",
  requests: [{ setupRequest: (req) => ({ ...req, body: trackBody(), headers: { "content-type": "application/json" } }) }],
});
const singleFloor = Math.round((floorResult.requests.total - floorResult.non2xx - floorResult.errors) / (floorResult.duration || SECONDS));
log(`floor (one INSERT per request): ${singleFloor} req/s`);
// The webhooks' floor: the same body, one INSERT per request into webhook_deliveries (no HMAC, no queue), same load.
const webhookFloorResult = await autocannon({
  url: `${floorBase}/webhook`,
  connections: 32,
  duration: SECONDS,
  method: "POST",
  requests: [
    {
      setupRequest: (req) => ({
        ...req,
        body: order,
        // A topic of its own: these rows are removed after, the worker never applies them.
        headers: { "content-type": "application/json", "x-shopify-topic": "bench/floor", "x-shopify-shop-domain": store.shop, "x-shopify-webhook-id": randomUUID(), "x-shopify-event-id": randomUUID() },
      }),
    },
  ],
});
const webhookFloor = Math.round((webhookFloorResult.requests.total - webhookFloorResult.non2xx - webhookFloorResult.errors) / (webhookFloorResult.duration || SECONDS));
floor.kill("SIGTERM");
await once(floor, "exit");
await store.sql`delete from webhook_deliveries where topic = 'bench/floor'`;
log(`floor (one INSERT of the webhook body per request): ${webhookFloor} req/s, p99 ${webhookFloorResult.latency.p99} ms`);

// Floor 2: COPY of as many events as the batches sent, into the same table.
const copyRows = Math.max(50_000, batchEvents * 2);
const copyStarted = performance.now();
const now = new Date().toISOString();
const lines = (function* () {
  for (let i = 0; i < copyRows; i++) {
    const body = trackBody();
    const id = `${run}-copy-${i}`;
    yield `${store.brandId}\t${floorSource.source.id}\t${id}\ttrack\tProduct Viewed\tuser-${i % 20_000}\t${now}\t${now}\t${body.replaceAll("\\", "\\\\")}\n`;
  }
})();
// A connection of its own: the stream's end leaves a pooled postgres.js connection unusable for the next query.
const copySql = postgres(store.dbUrl, { max: 1, onnotice: () => {} });
const copy = await copySql`copy events (brand_id, source_id, message_id, type, name, user_id, timestamp, received_at, payload) from stdin`.writable();
await pipeline(Readable.from(lines), copy);
// A query behind the COPY on the same connection: ending right after the stream could close the socket under its last write.
await copySql`select 1`;
const copySeconds = (performance.now() - copyStarted) / 1000;
const floorEventsPerSecond = Math.round(copyRows / copySeconds);
await copySql.end();
log(`floor (COPY): ${floorEventsPerSecond} events/s`);

// 4. The worker: first the webhook phase's deliveries applied (they come first in the queue, and
// each takes the brand's identity lock for its customer), then the identity backlog (everything
// above) drained — timed apart, so the drain's figure is the drain's.
const backlog = (await store.sql<{ n: number }[]>`select count(*)::int as n from events where resolved_at is null`)[0]!.n;
const worker: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/workers/index.ts", "ingestion"], { cwd: root, env: process.env, stdio: ["ignore", 2, 2] });
const pendingDeliveries = async () => (await store.sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where processed_at is null and topic <> 'bench/floor'`)[0]!.n;
const deliveries = await pendingDeliveries();
const applyStarted = performance.now();
await until(async () => (await pendingDeliveries()) === 0, "the webhook deliveries to be applied", 20 * 60_000);
const applySeconds = (performance.now() - applyStarted) / 1000;
log(`webhooks applied: ${deliveries} deliveries in ${applySeconds.toFixed(1)} s`);
// The worker's own schedule sweeps the backlog within 30 s, and every commit asked for a run; asking now starts it at once.
await store.deps.jobs.enqueue("ingestion", "resolveEvents", { brandId: store.brandId }, { jobId: `bench-drain-${run}` });
const unresolved = async () => (await store.sql<{ n: number }[]>`select count(*)::int as n from events where resolved_at is null`)[0]!.n;
// Timed from here to the last event resolved; what resolved while the deliveries were applied is not counted.
const atStart = await unresolved();
const drainStarted = performance.now();
await until(async () => (await unresolved()) === 0, "the identity backlog", 30 * 60_000);
const drainSeconds = (performance.now() - drainStarted) / 1000;
worker.kill("SIGTERM");
await once(worker, "exit");
const [profiles] = await store.sql<{ n: number }[]>`select count(*)::int as n from profiles`;
log(`drain: ${atStart} of ${backlog} events in ${drainSeconds.toFixed(1)} s into ${profiles!.n} profiles`);

console.log(
  JSON.stringify({
    bench: "ingest",
    seconds: SECONDS,
    connections: CONNECTIONS,
    single_rps: single.rps,
    single_p99_ms: single.p99,
    single_floor_rps: singleFloor,
    batch_events_per_s: batchEvents,
    batch_p99_ms: batch.p99,
    floor_events_per_s: floorEventsPerSecond,
    ratio: Number((batchEvents / floorEventsPerSecond).toFixed(2)),
    webhook_rps: webhook.rps,
    webhook_p99_ms: webhook.p99,
    webhook_floor_rps: webhookFloor,
    webhook_floor_p99_ms: webhookFloorResult.latency.p99,
    drain_events_per_s: Math.round(atStart / drainSeconds),
    drained_events: atStart,
    webhooks_applied_per_s: Math.round(deliveries / applySeconds),
    profiles: profiles!.n,
    refused: { single: single.non2xx + single.errors, batch: batch.non2xx + batch.errors, webhook: webhook.non2xx + webhook.errors },
    node: process.version,
    cpus: os.availableParallelism(),
  }),
);
await store.close();
process.exit(0);
