/**
 * Dashboards at a million orders, over HTTP: a store of N orders (about 3 line items each), N/4
 * customers and 5,000 products loaded through the product's own sync path (bench/lib/synced-store.ts:
 * the emulator, the history sync in the real sync worker); then the recent sync and a
 * reconciliation on it, timed (they must finish on a large store); then the web app as it runs in
 * production (`scripts/server.ts` after `next build`, a process of its own) serving a signed-in
 * operator. Timed, per request over HTTP with the session cookie, as the pages call them: the
 * Overview (`analytics.overview`) for each period, the Products list (first page by units sold and
 * by title) and the Orders list (first page; a search), each `--samples` times with 1 viewer, and
 * the Overview with 4 viewers at once. Floors in the same run: a primary-key select (SQL) and the
 * cheapest brand procedure over HTTP (`brands.get`: the session and membership lookups every page
 * pays). Prints one JSON line:
 *   overview_p95_ms (worst period), products_p95_ms, orders_p95_ms, overview_p95_ms_4_viewers.
 * Goals: Overview ≤ 300 ms for every period, ≤ 600 ms with 4 viewers; lists ≤ 100 ms.
 *
 *   npm run bench -- dashboard [--orders 1000000] [--customers 250000] [--products 5000] [--samples 40] [--keep]
 *
 * `--keep` leaves the app and database running at the end (the URL and a sign-in are printed to
 * stderr) to look at the pages; Ctrl-C ends it. Builds the app first when `.next` is older than the sources.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { getAuth } from "../src/server/auth";
import { createDeps } from "../src/server/deps";
import { getLogger } from "../src/server/logger";
import { createBrand } from "../src/server/services/brands/brands";
import { runReconcile, runRecentSync } from "../src/server/services/sync/incremental-sync";
import { freePort } from "./lib/emulator-process";
import { openBenchStore } from "./lib/synced-store";
import { buildAppIfNeeded, startWebApp } from "./lib/web-app";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "1000000" },
    customers: { type: "string" },
    products: { type: "string", default: "5000" },
    samples: { type: "string", default: "40" },
    keep: { type: "boolean", default: false },
  },
});
const ORDERS = Number(values.orders);
const CUSTOMERS = Number(values.customers ?? Math.round(ORDERS / 4));
const PRODUCTS = Number(values.products);
const SAMPLES = Number(values.samples);
const SHOP = "bench-dashboard.myshopify.com";
const PASSWORD = "bench-password-42";
const log = (msg: string) => console.error(`bench dashboard: ${msg}`);

// The app is built before anything else runs (a build would take the CPU from the measurements).
await buildAppIfNeeded(log);

const port = await freePort();
process.env.APP_URL = `http://127.0.0.1:${port}`;
let operator = { email: "", brandSlug: "" };
const store = await openBenchStore({
  shop: SHOP,
  label: "dashboard",
  orders: ORDERS,
  customers: CUSTOMERS,
  products: PRODUCTS,
  log,
  // The operator signs up as on the sign-up page and creates the brand the store is connected to.
  beforeConnect: async () => {
    const email = `operator-${process.pid}@bench.test`;
    const { user } = await getAuth().api.signUpEmail({ body: { email, password: PASSWORD, name: "Bench operator" } });
    const brand = await createBrand(createDeps(), { userId: user.id, name: "Million Orders" });
    operator = { email, brandSlug: brand.slug };
    return { brandId: brand.id };
  },
});
const sync = await store.historySync();

// The recent sync (what connecting starts) and a reconciliation, on the loaded store.
const deps = createDeps({ infra: store.infra, log: getLogger() });
let t = performance.now();
const recent = await runRecentSync(deps, { storeId: store.storeId });
const recentSeconds = (performance.now() - t) / 1000;
log(`recent sync: ${recent.orders} orders, ${recent.customers} customers, ${recent.products} products in ${recentSeconds.toFixed(1)} s`);
t = performance.now();
const reconcile = await runReconcile(deps, { storeId: store.storeId, lookbackHours: deps.env.SYNC_LOOKBACK_HOURS });
const reconcileSeconds = (performance.now() - t) / 1000;
log(`reconciliation: ${reconcile.orders} orders in ${reconcileSeconds.toFixed(1)} s`);
await store.stopWorker();
const [counts] = await store.sql<{ orders: number; lines: number; customers: number }[]>`select (select count(*) from shop_orders)::int as orders,
  (select count(*) from shop_line_items)::int as lines, (select count(*) from shop_customers)::int as customers`;

// The web app in production mode.
const web = await startWebApp({ port });
const base = web.base;
const cookie = await web.signIn(operator.email, PASSWORD);

/** One tRPC query over HTTP as the pages send it (superjson input); its time in ms. */
async function query(procedure: string, input: Record<string, unknown>): Promise<number> {
  const url = `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: { brand: operator.brandSlug, ...input } }))}`;
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie } });
  const body = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${body.slice(0, 300)}`);
  return ms;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!.toFixed(1));
};
const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95) });

/** `samples` sequential requests after 3 to warm up. */
async function measure(procedure: string, input: Record<string, unknown>, samples = SAMPLES): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await query(procedure, input);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await query(procedure, input));
  return stats(times);
}

const PERIODS = [7, 30, 90, 365, "all"] as const;
log("measuring");
const floorHttp = await measure("brands.get", {});
const pkIds = await store.sql<{ id: string }[]>`select id from shop_orders order by random() limit ${SAMPLES}`;
const pkTimes: number[] = [];
for (const { id } of pkIds) {
  const started = performance.now();
  await store.sql`select * from shop_orders where id = ${id}`;
  pkTimes.push(performance.now() - started);
}
const overview: Record<string, { p50: number; p95: number }> = {};
for (const days of PERIODS) overview[String(days)] = await measure("analytics.overview", { days });
const products = { units: await measure("analytics.products", { sort: "units" }), title: await measure("analytics.products", { sort: "title" }) };
const orders = { first: await measure("analytics.orders", {}), search: await measure("analytics.orders", { q: "jane" }) };

// Four viewers at once, each going through the periods.
const together: number[] = [];
await Promise.all(
  [0, 1, 2, 3].map(async (viewer) => {
    for (let i = 0; i < SAMPLES; i++) together.push(await query("analytics.overview", { days: PERIODS[(i + viewer) % PERIODS.length] }));
  }),
);
const fourViewers = stats(together);

const worst = (m: Record<string, { p95: number }>) => Math.max(...Object.values(m).map((x) => x.p95));
console.log(
  JSON.stringify({
    bench: "dashboard",
    orders: counts!.orders,
    line_items: counts!.lines,
    customers: counts!.customers,
    products: PRODUCTS,
    samples: SAMPLES,
    overview_p95_ms: worst(overview),
    products_p95_ms: worst(products),
    orders_p95_ms: worst(orders),
    overview_p95_ms_4_viewers: fourViewers.p95,
    overview_ms: overview,
    products_ms: products,
    orders_ms: orders,
    overview_4_viewers_ms: fourViewers,
    floor_http_ms: floorHttp,
    floor_pk_select_ms: stats(pkTimes),
    history_sync_s: Number(sync.seconds.toFixed(1)),
    recent_sync: { seconds: Number(recentSeconds.toFixed(1)), orders: recent.orders, customers: recent.customers, products: recent.products },
    reconcile: { seconds: Number(reconcileSeconds.toFixed(1)), orders: reconcile.orders, customers: reconcile.customers, products: reconcile.products },
    node: process.version,
    cpus: os.availableParallelism(),
  }),
);

if (values.keep) {
  log(`the app is at ${base}/${operator.brandSlug} — sign in as ${operator.email} / ${PASSWORD}; Ctrl-C ends it`);
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
}
web.stop();
await store.close();
process.exit(0);
