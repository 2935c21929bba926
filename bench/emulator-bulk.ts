/**
 * Emulator bulk export speed: a store of N orders (about 3 line items each) exported through
 * bulkOperationRunQuery, timed from the mutation to COMPLETED (the file fully written). The floor is
 * writing the same number of bytes of ready-made JSONL to the same disk in the same run.
 *
 *   npm run bench -- emulator-bulk [--orders 1000000]
 */
import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "../src/emulator";

const { values } = parseArgs({ options: { orders: { type: "string", default: "1000000" } } });
const N = Number(values.orders);
const SHOP = "bench-shop.myshopify.com";
const QUERY = `{ orders { edges { node {
  id name email createdAt updatedAt cancelledAt currencyCode displayFinancialStatus
  customer { id } totalPriceSet { shopMoney { amount currencyCode } }
  refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
  lineItems { edges { node { id sku quantity variant { id } originalUnitPriceSet { shopMoney { amount } } } } }
} } } }`;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const emulator = await startEmulator({
  apps: [{ name: "Bench", clientId: "bench", clientSecret: "bench-secret", redirectUrls: [], scopes: ["read_orders"] }],
  shops: [{ domain: SHOP, seed: 1, orders: N, customers: Math.round(N / 5), products: 5000, endAt: Date.UTC(2026, 9, 1) }],
});
const baselineRss = process.memoryUsage().rss;
const control = await fetch(`${emulator.url}/_emulator/shops/${SHOP}/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: "bench" }) });
const { accessToken } = (await control.json()) as { accessToken: string };
const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const res = await fetch(`${emulator.url}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": accessToken, "x-shopify-emulator-shop": SHOP },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: Record<string, { bulkOperation?: { id: string }; status?: string; fileSize?: string; objectCount?: string }> };
};

const started = performance.now();
const run = await gql(`mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id } userErrors { message } } }`, { q: QUERY });
const id = run.data.bulkOperationRunQuery!.bulkOperation!.id;
let op: { status?: string; fileSize?: string; objectCount?: string } = {};
while (op.status !== "COMPLETED") {
  await new Promise((r) => setTimeout(r, 100));
  op = (await gql(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status fileSize objectCount } } }`, { id })).data.node!;
  if (op.status === "FAILED") throw new Error("bulk operation failed");
}
const seconds = (performance.now() - started) / 1000;
const bytes = Number(op.fileSize);
clearInterval(sampler);
await emulator.close();

// CPU reference in the same run: the same export code on one thread, no I/O, over 100k orders of an
// identical store — so a noisy machine shows in both numbers and the ratio (the parallel speedup) holds.
const { planBulkQuery } = await import("../src/emulator/bulk/plan");
const { serializeBatch } = await import("../src/emulator/bulk/serialize");
const { loadAdminSchema } = await import("../src/emulator/admin/schema");
const { ShopStore } = await import("../src/emulator/store/shop-store");
const { defaultSpec } = await import("../src/emulator/spec");
const refPlan = planBulkQuery(await loadAdminSchema("2026-10"), QUERY);
const refStore = new ShopStore(defaultSpec({ seed: 1, orders: N, customers: Math.round(N / 5), products: 5000, endAt: Date.UTC(2026, 9, 1) }, Date.now()));
const REF = Math.min(N, 100_000);
const refStarted = performance.now();
for (let lo = 0; lo < REF; lo += 500) serializeBatch(refStore, refPlan, { lo, hi: Math.min(REF, lo + 500) }, false);
const singleThread = REF / ((performance.now() - refStarted) / 1000);

// Floor: the same bytes of JSONL written to the same temp disk, with nothing to compute.
const line = `${JSON.stringify({ id: "gid://shopify/LineItem/9000000000000", sku: "SKU-1-1", quantity: 1, variant: { id: "gid://shopify/ProductVariant/8000000000000" }, originalUnitPriceSet: { shopMoney: { amount: "12.00" } }, __parentId: "gid://shopify/Order/5000000000000" })}\n`;
const chunk = line.repeat(Math.ceil((1 << 20) / line.length));
const floorFile = path.join(os.tmpdir(), `brandbase-floor-${process.pid}.jsonl`);
const floorStarted = performance.now();
const out = createWriteStream(floorFile);
for (let written = 0; written < bytes; written += chunk.length) if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
await new Promise<void>((r) => out.end(() => r()));
const floorSeconds = (performance.now() - floorStarted) / 1000;
const floorBytes = (await stat(floorFile)).size;
await rm(floorFile, { force: true });

console.log(
  JSON.stringify({
    bench: "emulator-bulk",
    orders: N,
    objects: Number(op.objectCount),
    file_mb: Number((bytes / 2 ** 20).toFixed(1)),
    seconds: Number(seconds.toFixed(2)),
    orders_per_s: Math.round(N / seconds),
    mb_per_s: Number((bytes / 2 ** 20 / seconds).toFixed(1)),
    floor_mb_per_s: Number((floorBytes / 2 ** 20 / floorSeconds).toFixed(1)),
    single_thread_orders_per_s: Math.round(singleThread),
    parallel_speedup: Number((N / seconds / singleThread).toFixed(2)),
    peak_rss_mb: Math.round(peakRss / 2 ** 20),
    rss_before_export_mb: Math.round(baselineRss / 2 ** 20),
    node: process.version,
    cpus: os.cpus().length,
  }),
);
process.exit(0);
