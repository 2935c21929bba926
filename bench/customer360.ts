/**
 * Customer360 at a million people, over HTTP: `--profiles` profiles (each a Shopify customer with an
 * email and an anonymous id), `--orders` orders (one line item each) and `--events` events among
 * them, generated in SQL in a database of the run's own (summaries and the list's figures built by
 * the product's own functions); then the web app as it runs in production (`scripts/server.ts`
 * after `next build`) serving a signed-in operator. Timed per request over HTTP with the session
 * cookie, `--samples` times each: the customer page's data (`customers.get`) uncached (a profile not
 * asked for before) and cached (the same again), the timeline's first page (`customers.timeline`),
 * and list search (`customers.list` by email prefix, name prefix and order name). Floors in the same
 * run: a primary-key select round trip (SQL) and the cheapest brand procedure over HTTP
 * (`brands.get`: the session and membership lookups every request pays). Prints one JSON line:
 *   c360_p95_ms, c360_cached_p95_ms, timeline_p95_ms, search_p95_ms, floor_p95_ms.
 * Goals: uncached ≤ 20 ms, cached ≤ 3 ms, timeline ≤ 20 ms, search ≤ 50 ms (p95).
 *
 *   npm run bench -- customer360 [--profiles 1000000] [--orders 3000000] [--events 10000000] [--samples 200]
 */
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import superjson from "superjson";
import { getAuth } from "../src/server/auth";
import { getDb, getSql } from "../src/server/db/client";
import { createDeps } from "../src/server/deps";
import { createBrand } from "../src/server/services/brands/brands";
import { lockIdentity, refreshRollups } from "../src/server/services/identity/store";
import { openBenchDatabase } from "./lib/bench-database";
import { freePort } from "./lib/emulator-process";
import { buildAppIfNeeded, startWebApp } from "./lib/web-app";

const { values } = parseArgs({
  options: {
    profiles: { type: "string", default: "1000000" },
    orders: { type: "string", default: "3000000" },
    events: { type: "string", default: "10000000" },
    samples: { type: "string", default: "200" },
  },
});
const PROFILES = Number(values.profiles);
const ORDERS = Number(values.orders);
const EVENTS = Number(values.events);
const SAMPLES = Number(values.samples);
const PASSWORD = "bench-password-42";
const log = (msg: string) => console.error(`bench customer360: ${msg}`);
const since = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

await buildAppIfNeeded(log);
const database = await openBenchDatabase({ label: "c360" });
const sql = getSql();

// The operator and their brand, through the product; a connected store and an event source.
const email = `operator-${process.pid}@bench.test`;
const { user } = await getAuth().api.signUpEmail({ body: { email, password: PASSWORD, name: "Bench operator" } });
const brand = await createBrand(createDeps(), { userId: user.id, name: "Million People" });
const [store] = await sql<{ id: string }[]>`insert into stores (brand_id, shop_domain, status, currency, iana_timezone)
  values (${brand.id}, 'bench-c360.myshopify.com', 'connected', 'USD', 'UTC') returning id`;
const [source] = await sql<{ id: string }[]>`insert into event_sources (brand_id, name, write_key_hash, write_key_sealed) values (${brand.id}, 'Web', 'bench', 'v1:x:x:x') returning id`;
const storeId = store!.id;
const brandId = brand.id;

// The data, in SQL, in chunks of a million rows. Triggers off while loading (the summaries are
// built once afterwards by the product's own rebuild function, the list's figures by refreshRollups).
const CHUNK = 1_000_000;
async function chunked(total: number, label: string, insert: (from: number, to: number) => Promise<unknown>) {
  const t = performance.now();
  for (let from = 1; from <= total; from += CHUNK) await insert(from, Math.min(total, from + CHUNK - 1));
  log(`${total.toLocaleString("en")} ${label} in ${since(t)}`);
}
const DAY_MS = 86_400_000;
const start = Date.now() - 730 * DAY_MS;
await sql.begin(async (tx) => {
  await tx`set local session_replication_role = replica`;
  await chunked(PROFILES, "customers", (a, b) => tx`
    insert into shop_customers (brand_id, store_id, shopify_id, email, first_name, last_name, email_consent, updated_at, created_at)
    select ${brandId}, ${storeId}, i, 'customer' || i || '@example.com', (array['Ada','Ben','Chloe','Dimitris','Eva','Femi','Gus','Hana'])[1 + i % 8], 'Surname' || (i % 50000),
      case when i % 3 = 0 then 'SUBSCRIBED' else 'NOT_SUBSCRIBED' end, now(), now()
    from generate_series(${a}::bigint, ${b}::bigint) i`);
  await chunked(ORDERS, "orders", (a, b) => tx`
    insert into shop_orders (brand_id, store_id, shopify_id, name, email, customer_shopify_id, currency, total, refunded, financial_status, created_at, updated_at, processed_at)
    select ${brandId}, ${storeId}, i, '#' || (1000 + i), 'customer' || (1 + i % ${PROFILES}) || '@example.com', 1 + i % ${PROFILES}, 'USD',
      (10 + (i * 7919) % 300)::numeric + 0.99, case when i % 17 = 0 then 5 else 0 end, 'paid',
      to_timestamp((${start}::bigint + (i * 7717) % (730 * ${DAY_MS}::bigint)) / 1000.0), now(), now()
    from generate_series(${a}::bigint, ${b}::bigint) i`);
  await chunked(ORDERS, "line items", (a, b) => tx`
    insert into shop_line_items (brand_id, store_id, shopify_id, order_shopify_id, product_shopify_id, title, quantity, price)
    select ${brandId}, ${storeId}, i, i, 1 + i % 1000, 'Product ' || (1 + i % 1000), 1 + i % 3, 9.99 from generate_series(${a}::bigint, ${b}::bigint) i`);
  await chunked(PROFILES, "profiles", (a, b) => tx`
    insert into profiles (id, brand_id, root_id, store_id, name, email, traits, created_at, first_seen_at, last_seen_at)
    overriding system value
    select i, ${brandId}, i, ${storeId}, (array['Ada','Ben','Chloe','Dimitris','Eva','Femi','Gus','Hana'])[1 + i % 8] || ' Surname' || (i % 50000),
      'customer' || i || '@example.com', jsonb_build_object('plan', case when i % 5 = 0 then 'pro' else 'free' end), now(), now() - interval '30 days', now()
    from generate_series(${a}::bigint, ${b}::bigint) i`);
  await tx`select setval(pg_get_serial_sequence('profiles', 'id'), ${PROFILES})`;
  await chunked(PROFILES, "profiles' identifiers (×3)", (a, b) => tx`
    insert into profile_identifiers (brand_id, kind, value, profile_id, store_id, source_id)
    select ${brandId}, k.kind, case k.kind when 'shopifyCustomer' then ${storeId} || ':' || i when 'email' then 'customer' || i || '@example.com' else 'anon-' || i end, i,
      case when k.kind = 'anonymousId' then null else ${storeId}::uuid end, case when k.kind = 'anonymousId' then ${source!.id}::uuid end
    from generate_series(${a}::bigint, ${b}::bigint) i, (values ('shopifyCustomer'), ('email'), ('anonymousId')) k(kind)`);
  await chunked(EVENTS, "events", (a, b) => tx`
    insert into events (brand_id, source_id, message_id, type, name, anonymous_id, timestamp, received_at, payload, profile_id, resolved_at)
    select ${brandId}, ${source!.id}, 'm' || i, case when i % 10 = 0 then 'page' else 'track' end,
      (array['Product Viewed','Added to Cart','Checkout Started','Home','Search'])[1 + i % 5], 'anon-' || (1 + i % ${PROFILES}),
      to_timestamp((${Date.now() - 90 * DAY_MS}::bigint + (i * 6151) % (90 * ${DAY_MS}::bigint)) / 1000.0), now(),
      jsonb_build_object('properties', jsonb_build_object('sku', 'SKU-' || (i % 1000))), 1 + i % ${PROFILES}, now()
    from generate_series(${a}::bigint, ${b}::bigint) i`);
});
let t = performance.now();
await sql`select rebuild_store_summaries(${storeId})`;
log(`summaries rebuilt in ${since(t)}`);
t = performance.now();
const db = getDb();
for (let from = 1; from <= PROFILES; from += 50_000) {
  const roots = Array.from({ length: Math.min(50_000, PROFILES - from + 1) }, (_, i) => from + i);
  await db.transaction(async (tx) => {
    await lockIdentity(tx, brandId);
    await refreshRollups(tx, roots);
  });
}
log(`the list's figures of ${PROFILES.toLocaleString("en")} profiles in ${since(t)}`);
await sql`vacuum analyze`;
// Gigabytes were just written: flushed now, so the timings are the pages being served, not the load's write-back.
t = performance.now();
await sql`checkpoint`;
log(`checkpoint in ${since(t)}`);

// The web app in production mode, a signed-in operator.
const web = await startWebApp({ port: await freePort() });
const cookie = await web.signIn(email, PASSWORD);

// node:http with keep-alive, as a browser's connection would be: Node's fetch adds milliseconds of its own per request here.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function query(procedure: string, input: Record<string, unknown>): Promise<number> {
  const params = encodeURIComponent(JSON.stringify(superjson.serialize({ brand: brand.slug, ...input })));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(`${web.base}/api/trpc/${procedure}?input=${params}`, { agent, headers: { cookie } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ms = performance.now() - started;
          if (res.statusCode !== 200) reject(new Error(`${procedure} answered ${res.statusCode}: ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}`));
          else resolve(ms);
        });
      })
      .on("error", reject);
  });
}
function stats(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
const pick = (i: number) => 1 + ((i * 104_729 + 7) % PROFILES);
async function measure(fn: (i: number) => Promise<number>): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < 10; i++) await fn(SAMPLES + i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) times.push(await fn(i));
  return stats(times);
}

const floorPk = await measure(async (i) => {
  const started = performance.now();
  await sql`select * from profiles where id = ${pick(i)}`;
  return performance.now() - started;
});
const floorHttp = await measure(() => query("brands.get", {}));
// Uncached: each sample a profile nobody asked for; cached: the same profile asked again.
const uncached = await measure((i) => query("customers.get", { profileId: String(pick(i + 5_000)) }));
const cached = await measure((i) => query("customers.get", { profileId: String(pick(i + 5_000)) }));
const timeline = await measure((i) => query("customers.timeline", { profileId: String(pick(i + 20_000)) }));
const searches = [(i: number) => `customer${pick(i)}@`, (i: number) => `${["ada", "ben", "chloe", "eva"][i % 4]} surname${i % 50_000}`, (i: number) => `#${1000 + pick(i)}`];
const search = await measure((i) => query("customers.list", { q: searches[i % 3]!(i) }));
const listFirst = await measure(() => query("customers.list", { sort: "netValue" }));
const counts = await sql<{ profiles: number; orders: number; events: number }[]>`select (select count(*) from profiles)::int as profiles,
  (select count(*) from shop_orders)::int as orders, (select count(*) from events)::int as events`;

console.log(
  JSON.stringify({
    bench: "customer360",
    ...counts[0],
    samples: SAMPLES,
    c360_p95_ms: uncached.p95,
    c360_cached_p95_ms: cached.p95,
    timeline_p95_ms: timeline.p95,
    search_p95_ms: search.p95,
    floor_p95_ms: floorPk.p95,
    c360_ms: uncached,
    c360_cached_ms: cached,
    timeline_ms: timeline,
    search_ms: search,
    list_by_net_ms: listFirst,
    floor_pk_select_ms: floorPk,
    floor_http_ms: floorHttp,
    node: process.version,
    cpus: os.availableParallelism(),
  }),
);
web.stop();
await database.drop();
process.exit(0);
