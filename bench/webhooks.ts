/**
 * A flash sale's webhooks applied: how fast the `ingestion` worker (a process of its own, as in
 * production) turns recorded Shopify deliveries into orders, customers and profiles.
 *
 * The load: `--orders` (20,000) distinct orders/create deliveries from `--customers` (5,000) people,
 * each person's customers/create before their first order, and one order in ten updated later
 * (orders/updated) — 8 KB bodies shaped like Shopify's sample. They are recorded as the web app's
 * lean path records them (commitDeliveries in groups of `--group` (32), one job per group) while the
 * worker is stopped; the worker is then started and timed until the last delivery is applied.
 *
 * The floor, in the same run: the same orders' rows (mapped by the same mapper) written into the same
 * tables for another store with one multi-row INSERT of orders and one of their lines per group, in a
 * transaction per group — the data alone, without versions, tombstones, identity or the queue.
 *
 * Prints one JSON line: applied_per_s (deliveries), orders_per_s, floor_orders_per_s, ratio
 * (orders_per_s over the floor), and what the run left to check (orders, profiles, failed deliveries).
 *
 *   npm run bench -- webhooks [--orders 20000] [--customers 5000] [--group 32]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { shopLineItems, shopOrders } from "../src/server/db/schema";
import { orderRowsFromWebhook } from "../src/server/services/commerce/webhook-rows";
import { rowValues } from "../src/server/services/commerce/write";
import { commitDeliveries, queueDeliveries, type VerifiedDelivery } from "../src/server/services/webhooks/receive";
import { getLogger } from "../src/server/logger";
import { openBenchStore, until } from "./lib/synced-store";

const { values } = parseArgs({ options: { orders: { type: "string", default: "20000" }, customers: { type: "string", default: "5000" }, group: { type: "string", default: "32" } } });
const ORDERS = Number(values.orders);
const CUSTOMERS = Number(values.customers);
const GROUP = Number(values.group);
const root = path.resolve(import.meta.dirname, "..");
const log = (msg: string) => console.error(`bench webhooks: ${msg}`);

const store = await openBenchStore({ shop: "bench-webhooks.myshopify.com", label: "webhooks", orders: 20, customers: 10, products: 5, log });
await store.stopWorker();
const jobs = store.deps.jobs;

// Shopify's sample bodies, made into many distinct orders and people (ids within 2^53: exact in JSON).
const orderSample = JSON.parse(readFileSync(path.join(root, "tests/fixtures/shopify/orders-create.json"), "utf8")) as Record<string, unknown>;
const customerSample = JSON.parse(readFileSync(path.join(root, "tests/fixtures/shopify/customers-create.json"), "utf8")) as Record<string, unknown>;
const start = Date.parse("2026-11-27T08:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const person = (c: number) => ({
  ...customerSample,
  id: 8_000_000_000_000 + c,
  admin_graphql_api_id: `gid://shopify/Customer/${8_000_000_000_000 + c}`,
  email: `buyer-${c}@flash.example`,
  first_name: `Buyer`,
  last_name: `No. ${c}`,
  phone: null,
  created_at: iso(start + c),
  updated_at: iso(start + c),
});
const order = (i: number, updated: boolean) => {
  const id = 7_000_000_000_000 + i;
  const at = start + i * 50;
  const lines = (orderSample.line_items as Record<string, unknown>[]).map((l, k) => ({ ...l, id: id * 10 + k, admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + k}` }));
  return {
    ...orderSample,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#F${i}`,
    order_number: 100_000 + i,
    number: 100_000 + i,
    email: `buyer-${i % CUSTOMERS}@flash.example`,
    cancel_reason: null,
    cancelled_at: null,
    financial_status: "paid",
    created_at: iso(at),
    processed_at: iso(at),
    updated_at: iso(updated ? at + 60_000 : at),
    fulfillment_status: updated ? "fulfilled" : null,
    customer: person(i % CUSTOMERS),
    line_items: lines,
    refunds: [],
  };
};

type Body = { topic: string; body: Record<string, unknown> };
const sale: Body[] = [];
for (let i = 0; i < ORDERS; i++) {
  if (i < CUSTOMERS) sale.push({ topic: "customers/create", body: person(i) });
  sale.push({ topic: "orders/create", body: order(i, false) });
  if (i % 10 === 9) sale.push({ topic: "orders/updated", body: order(i - 5, true) });
}
const verified = (b: Body): VerifiedDelivery => ({
  shopDomain: store.shop,
  topic: b.topic,
  webhookId: randomUUID(),
  eventId: randomUUID(),
  apiVersion: "2026-10",
  triggeredAt: new Date(),
  payloadText: JSON.stringify(b.body),
});

// Recorded as the lean path records a flash sale (a group per commit), with the worker stopped.
const deps = { db: store.db, jobs, log: getLogger() };
for (let g = 0; g < sale.length; g += GROUP) {
  const { jobs: batchJobs } = await commitDeliveries(deps, sale.slice(g, g + GROUP).map(verified));
  await queueDeliveries(deps, batchJobs);
}
const pending = async () => (await store.sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where processed_at is null and error is null`)[0]!.n;
const deliveries = await pending();
log(`${deliveries} deliveries recorded (${ORDERS} orders, ${CUSTOMERS} customers, groups of ${GROUP})`);

// The worker, timed from its start to the last delivery applied.
const started = performance.now();
const worker: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/workers/index.ts", "ingestion"], { cwd: root, env: process.env, stdio: ["ignore", 2, 2] });
await until(async () => (await pending()) === 0, "the deliveries to be applied", 60 * 60_000);
const seconds = (performance.now() - started) / 1000;
worker.kill("SIGTERM");
await once(worker, "exit");
log(`applied in ${seconds.toFixed(1)} s`);

const [check] = await store.sql<{ orders: number; failed: number; profiles: number; fulfilled: number }[]>`select
  (select count(*)::int from shop_orders where store_id = ${store.storeId} and name like '#F%') as orders,
  (select count(*)::int from shop_orders where store_id = ${store.storeId} and name like '#F%' and fulfillment_status = 'fulfilled') as fulfilled,
  (select count(*)::int from webhook_deliveries where error is not null) as failed,
  (select count(*)::int from profiles where brand_id = ${store.brandId} and merged_into is null and email like '%@flash.example') as profiles`;
if (check!.orders !== ORDERS || check!.failed !== 0 || check!.profiles !== CUSTOMERS) throw new Error(`the run did not land as sent: ${JSON.stringify(check)}`);

// Floor: the same order rows, written set-based for another store of the brand.
const floorStore = { id: randomUUID(), brandId: store.brandId };
await store.sql`insert into stores (id, brand_id, shop_domain, status, scopes, currency, iana_timezone)
  values (${floorStore.id}, ${floorStore.brandId}, 'bench-webhooks-floor.myshopify.com', 'connected', '', 'USD', 'America/New_York')`;
const orderBodies = sale.filter((b) => b.topic === "orders/create");
const floorStarted = performance.now();
for (let g = 0; g < orderBodies.length; g += GROUP) {
  const rows = orderBodies.slice(g, g + GROUP).map((b) => orderRowsFromWebhook(JSON.parse(JSON.stringify(b.body)), b.topic));
  await store.db.transaction(async (tx) => {
    await tx.insert(shopOrders).values(rows.map((r) => rowValues(shopOrders, floorStore, r.order) as typeof shopOrders.$inferInsert));
    await tx.insert(shopLineItems).values(rows.flatMap((r) => r.lines.map((l) => rowValues(shopLineItems, floorStore, l) as typeof shopLineItems.$inferInsert)));
  });
}
const floorSeconds = (performance.now() - floorStarted) / 1000;
log(`floor: ${orderBodies.length} orders in ${floorSeconds.toFixed(1)} s`);

const ordersPerSecond = Math.round(ORDERS / seconds);
const floorOrdersPerSecond = Math.round(orderBodies.length / floorSeconds);
console.log(
  JSON.stringify({
    bench: "webhooks",
    deliveries,
    orders: ORDERS,
    customers: CUSTOMERS,
    group: GROUP,
    seconds: Number(seconds.toFixed(1)),
    applied_per_s: Math.round(deliveries / seconds),
    orders_per_s: ordersPerSecond,
    floor_orders_per_s: floorOrdersPerSecond,
    ratio: Number((ordersPerSecond / floorOrdersPerSecond).toFixed(2)),
    landed: check,
    node: process.version,
    cpus: os.availableParallelism(),
  }),
);
await store.close();
process.exit(0);
