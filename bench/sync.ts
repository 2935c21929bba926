/**
 * History sync speed: a store of N orders (about 3 line items each), N/5 customers and 5,000
 * products in the emulator (a process of its own). The three bulk exports run first; then the
 * clock starts — from the result files being ready to promotion done — with the sync worker's
 * ingestion in a process of its own (its peak RSS is reported).
 *
 * The floor, measured in the same run on the same rows: COPY into the same staging tables from
 * ready-made files, plus one hand-written set-based upsert per production table (same indexes),
 * one after the other — what a perfect single-threaded version of this design costs.
 *
 *   npm run bench -- sync [--orders 1000000] [--customers 200000] [--products 5000]
 *
 * WORKER_NODE_FLAGS overrides the worker's Node flags (default: the workers' own, --optimize-for-size).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { migrateDatabase } from "../src/server/db/migrate";
import { SYNC_ENTITIES, type SyncEntity } from "../src/server/db/schema";
import { ChunkRows, ENTITY_DEFS } from "../src/server/services/sync/bulk/entities";
import { createStaging, dropStaging, stagingTable } from "../src/server/services/sync/bulk/staging";

const { values } = parseArgs({
  options: { orders: { type: "string", default: "1000000" }, customers: { type: "string" }, products: { type: "string", default: "5000" } },
});
const ORDERS = Number(values.orders);
const CUSTOMERS = Number(values.customers ?? Math.round(ORDERS / 5));
const PRODUCTS = Number(values.products);
const SHOP = "bench-sync.myshopify.com";
const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules/.bin/tsx");

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

// 1. The emulator, in a process of its own.
const port = await freePort();
const emulator = spawn(tsx, [path.join(root, "src/emulator/cli.ts"), "--shop", SHOP, "--orders", String(ORDERS), "--customers", String(CUSTOMERS), "--products", String(PRODUCTS), "--seed", "1", "--days", "730", "--port", String(port), "--client-id", "bench"], {
  // The CLI takes the client secret from the environment only.
  env: { ...process.env, SHOPIFY_API_SECRET: "bench-secret-0123456789" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  emulator.stdout!.on("data", (d: Buffer) => d.toString().includes("Shopify emulator at") && resolve());
  emulator.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
});
// Whatever happens next, the emulator goes down with us.
const stopEmulator = () => emulator.exitCode === null && emulator.kill("SIGINT");
process.on("exit", stopEmulator);
process.on("uncaughtException", (err) => {
  console.error(err);
  stopEmulator();
  process.exit(1);
});
process.on("unhandledRejection", (err) => {
  console.error(err);
  stopEmulator();
  process.exit(1);
});
const base = `http://127.0.0.1:${port}`;
const { accessToken } = (await (await fetch(`${base}/_emulator/shops/${SHOP}/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: "bench" }) })).json()) as { accessToken: string };
const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const res = await fetch(`${base}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": accessToken, "x-shopify-emulator-shop": SHOP },
    body: JSON.stringify({ query, variables }),
  });
  return ((await res.json()) as { data: T }).data;
};

// 2. The three exports, with the app's own bulk queries.
const exportStarted = performance.now();
const results = await Promise.all(
  SYNC_ENTITIES.map(async (entity) => {
    const run = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: { message: string }[] } }>(
      `mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id } userErrors { message } } }`,
      { q: ENTITY_DEFS[entity].bulkQuery },
    );
    const id = run.bulkOperationRunQuery.bulkOperation?.id;
    if (!id) throw new Error(`export of ${entity} refused: ${JSON.stringify(run.bulkOperationRunQuery.userErrors)}`);
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const { node } = await gql<{ node: { status: string; url: string | null; objectCount: string; fileSize: string | null } }>(
        `query($id: ID!) { node(id: $id) { ... on BulkOperation { status url objectCount fileSize } } }`,
        { id },
      );
      if (node.status === "COMPLETED") return { entity, url: node.url!, objects: Number(node.objectCount), bytes: Number(node.fileSize) };
      if (node.status !== "RUNNING" && node.status !== "CREATED") throw new Error(`export of ${entity} ended ${node.status}`);
    }
  }),
);
const exportSeconds = (performance.now() - exportStarted) / 1000;

// 3. A database of its own with a brand, a store and a run whose steps have their results ready.
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `brandbase_bench_${process.pid}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${dbName}`);
await admin.unsafe(`create database ${dbName}`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
await migrateDatabase(dbUrl.toString());
const sql = postgres(dbUrl.toString(), { max: 4, onnotice: () => {} });
const brandId = randomUUID();
const storeId = randomUUID();
const runId = randomUUID();
await sql`insert into brands (id, name, slug) values (${brandId}, 'Bench', 'bench')`;
await sql`insert into stores (id, brand_id, shop_domain) values (${storeId}, ${brandId}, ${SHOP})`;
await sql`insert into sync_runs (id, brand_id, store_id) values (${runId}, ${brandId}, ${storeId})`;
const steps: { id: string; entity: SyncEntity; url: string }[] = [];
for (const r of results) {
  const [step] = await sql<{ id: string }[]>`insert into sync_steps (run_id, brand_id, store_id, entity, phase, result_url, object_count)
    values (${runId}, ${brandId}, ${storeId}, ${r.entity}, 'downloading', ${r.url}, ${r.objects}) returning id`;
  steps.push({ id: step!.id, entity: r.entity, url: r.url });
}

// 4. Ours: the sync worker's ingestion, timed in its own process.
const worker = await new Promise<{ seconds: number; cpuSeconds: number; perEntityMs: Record<string, number>; peakRssMb: number; baselineRssMb: number; peakHeapMb: number }>((resolve, reject) => {
  // The flags the worker processes run with (scripts/start.ts, docker-compose.yml).
  const flags = (process.env.WORKER_NODE_FLAGS ?? "--optimize-for-size").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...flags, "--import", "tsx", path.join(import.meta.dirname, "lib/sync-worker.ts"), JSON.stringify({ brandId, storeId, steps })], {
    env: { ...process.env, DATABASE_URL: dbUrl.toString(), LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`sync worker exited ${code}`))));
});
const count = async (table: string) => Number((await sql.unsafe(`select count(*) as n from ${table} where store_id = $1`, [storeId]))[0]!.n);
const stored = { orders: await count("shop_orders"), lineItems: await count("shop_line_items"), customers: await count("shop_customers"), products: await count("shop_products"), variants: await count("shop_variants") };
if (stored.orders !== ORDERS || stored.customers !== CUSTOMERS || stored.products !== PRODUCTS) throw new Error(`incomplete sync: ${JSON.stringify(stored)}`);

// 5. The floor on the same rows: COPY files made from the same results (untimed), then timed COPY + one upsert per table.
const tables = SYNC_ENTITIES.flatMap((e) => ENTITY_DEFS[e].tables.map((t) => ({ entity: e, t })));
const files = new Map<string, string>();
for (const r of results) {
  const def = ENTITY_DEFS[r.entity];
  const outs = new Map(def.tables.map((t) => [t.key, createWriteStream(path.join(os.tmpdir(), `brandbase-floor-${process.pid}-${t.key}.tsv`))]));
  for (const t of def.tables) files.set(t.key, path.join(os.tmpdir(), `brandbase-floor-${process.pid}-${t.key}.tsv`));
  const res = await fetch(r.url);
  let rows = new ChunkRows(1, def.tables);
  let carry = "";
  let n = 0;
  const flush = async () => {
    for (const t of def.tables) if (!outs.get(t.key)!.write(Buffer.from(rows.bytes(t.key)))) await new Promise<void>((d) => outs.get(t.key)!.once("drain", () => d()));
    rows = new ChunkRows(1, def.tables);
  };
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    const lines = (carry + Buffer.from(part).toString("utf8")).split("\n");
    carry = lines.pop()!;
    for (const line of lines) if (line) def.stage(JSON.parse(line) as Record<string, unknown>, rows, ++n);
    await flush();
  }
  if (carry) def.stage(JSON.parse(carry) as Record<string, unknown>, rows, ++n);
  await flush();
  for (const o of outs.values()) {
    o.end();
    await finished(o);
  }
}
for (const target of ["shop_line_items", "shop_refunds", "shop_orders", "shop_variants", "shop_products", "shop_customers"]) await sql.unsafe(`truncate ${target}`);
await sql`checkpoint`;
const floorStep = randomUUID();
const upsert = (e: SyncEntity, key: string) => {
  const t = ENTITY_DEFS[e].tables.find((x) => x.key === key)!;
  const cols = t.columns.map(([c]) => c);
  const update = cols.filter((c) => c !== "shopify_id").map((c) => `${c} = excluded.${c}`).join(", ");
  const from = stagingTable(floorStep, t);
  const insert = `insert into ${t.target} (brand_id, store_id, ${cols.join(", ")}) select '${brandId}', '${storeId}', ${cols.join(", ")} from ${from}`;
  if (t.conflict === "keep") return `${insert} on conflict (${t.conflictKey ?? "store_id, shopify_id"}) do nothing`;
  if (t.conflict === "newer") return `${insert} on conflict (store_id, shopify_id) do update set ${update} where ${t.target}.updated_at < excluded.updated_at`;
  return `${insert} on conflict (store_id, shopify_id) do update set ${update}`;
};
let copySeconds = 0;
let upsertSeconds = 0;
const upsertByTable: Record<string, number> = {};
for (const e of SYNC_ENTITIES) await createStaging(sql, floorStep, ENTITY_DEFS[e]);
for (const { t } of tables) {
  const t0 = performance.now();
  const columns = ["chunk", ...t.columns.map(([c]) => c)].join(", ");
  const stream = await sql.unsafe(`copy ${stagingTable(floorStep, t)} (${columns}) from stdin`).writable();
  await pipeline(createReadStream(files.get(t.key)!), stream);
  copySeconds += (performance.now() - t0) / 1000;
}
for (const { entity, t } of tables) {
  const t0 = performance.now();
  await sql.unsafe(upsert(entity, t.key));
  upsertSeconds += (performance.now() - t0) / 1000;
  upsertByTable[t.key] = Math.round(performance.now() - t0);
}
const floorSeconds = copySeconds + upsertSeconds;
const floorStored = await count("shop_orders");
for (const e of SYNC_ENTITIES) await dropStaging(sql, floorStep, ENTITY_DEFS[e]);
for (const f of files.values()) await rm(f, { force: true });

await sql.end();
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.end();
stopEmulator();

const ordersPerS = ORDERS / worker.seconds;
const floorPerS = ORDERS / floorSeconds;
console.log(
  JSON.stringify({
    bench: "sync",
    orders: ORDERS,
    customers: CUSTOMERS,
    products: PRODUCTS,
    line_items: stored.lineItems,
    objects: results.reduce((n, r) => n + r.objects, 0),
    result_mb: Math.round(results.reduce((n, r) => n + r.bytes, 0) / 2 ** 20),
    orders_per_s: Math.round(ordersPerS),
    floor_orders_per_s: Math.round(floorPerS),
    ratio: Number((ordersPerS / floorPerS).toFixed(3)),
    peak_rss_mb: worker.peakRssMb,
    worker_baseline_rss_mb: worker.baselineRssMb,
    worker_cpu_s: worker.cpuSeconds,
    worker_peak_heap_mb: worker.peakHeapMb,
    seconds: Number(worker.seconds.toFixed(2)),
    per_entity_ms: worker.perEntityMs,
    floor: { copy_s: Number(copySeconds.toFixed(2)), upsert_s: Number(upsertSeconds.toFixed(2)), upsert_ms: upsertByTable, orders: floorStored },
    export_s: Number(exportSeconds.toFixed(1)),
    node: process.version,
    cpus: os.availableParallelism(),
  }),
);
