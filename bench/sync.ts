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
import os from "node:os";
import { parseArgs } from "node:util";
import { followHistorySync } from "../src/server/services/identity/shopify";
import { measureFloors } from "./lib/sync-floors";
import { type ShopTruth, verifySync } from "./lib/sync-verify";
import { openBenchStore } from "./lib/synced-store";

const { values } = parseArgs({
  options: { orders: { type: "string", default: "1000000" }, customers: { type: "string" }, products: { type: "string", default: "5000" } },
});
const ORDERS = Number(values.orders);
const CUSTOMERS = Number(values.customers ?? Math.round(ORDERS / 5));
const PRODUCTS = Number(values.products);
const SHOP = "bench-sync.myshopify.com";
const log = (msg: string) => console.error(`bench sync: ${msg}`);

const store = await openBenchStore({ shop: SHOP, label: "sync", orders: ORDERS, customers: CUSTOMERS, products: PRODUCTS, log });
const { runId, seconds, exportSeconds, steps: stepRows, workerBefore: before, workerAfter: after } = await store.historySync();
await store.stopWorker();

// The store against the shop, then the floors (which empty the tables).
const truth = (await (await fetch(`${store.emulator.url}/_emulator/shops/${SHOP}/truth`)).json()) as ShopTruth;
const verified = await verifySync(store.sql, { storeId: store.storeId, runId, truth });
// Identity resolution's share: the run above ended with every customer resolved into profiles
// (followHistorySync in settleRun). The same pass again from nothing, timed here, is what the run
// paid for it; without it the run would have taken `seconds - identity_s`.
const people = await store.sql<{ n: number }[]>`select count(*)::int as n from profiles where brand_id = ${store.brandId}`;
await store.sql`delete from profile_merges where brand_id = ${store.brandId}`;
await store.sql`delete from profiles where brand_id = ${store.brandId}`;
// From nothing as the run had it: the deleted rows' dead tuples and index entries vacuumed away
// (the run resolved into empty tables; without this the second pass also pays for the first's remains).
await store.sql`vacuum profiles, profile_identifiers, profile_merges`;
const identityStarted = performance.now();
const resolved = await followHistorySync({ db: store.db, log: store.deps.log }, { brandId: store.brandId, storeId: store.storeId });
const identitySeconds = (performance.now() - identityStarted) / 1000;
log(`identity: ${resolved.customers} customers into ${people[0]!.n} profiles in ${identitySeconds.toFixed(1)} s`);
log("verified against the shop; measuring the floors");
const floors = await measureFloors(store.sql, { storeId: store.storeId, databaseUrl: store.dbUrl });
await store.close();

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
    identity_s: Number(identitySeconds.toFixed(2)),
    profiles: people[0]!.n,
    // The run with identity resolution over the run without it (goal ≤ 1.2).
    identity_overhead: Number((seconds / (seconds - identitySeconds)).toFixed(3)),
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
