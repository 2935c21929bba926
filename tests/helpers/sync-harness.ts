import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { desc, eq } from "drizzle-orm";
import { type Emulator, type EmulatorOptions, startEmulator } from "~/emulator";
import type { Truth } from "~/emulator/store/truth";
import { getDb, getSql } from "~/server/db/client";
import { stores, syncRuns, syncSteps } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { beginStoreConnect, completeStoreConnect, reconcileScheduleId } from "~/server/services/stores/connect";
import { createGroupCommitter } from "~/server/group-commit";
import { receiveShopifyWebhook, recordDeliveries, type VerifiedDelivery } from "~/server/services/webhooks/receive";
import { nodeHeaderReader } from "~/server/shopify/webhook-signature";
import { getShopify } from "~/server/shopify/api";
import { routeShopifyToEmulator } from "~/server/shopify/routing";
import { getSessionStorage } from "~/server/shopify/session-storage";
import { approveOnConsentPage, CHROME_UA, cookieHeader } from "../emulator/harness";
import { expectStoreEqualsShop, type Scope } from "./shop-equality";
import { callerFor, createUser, eventually } from "./context";

export const SCOPES = ["read_orders", "read_customers", "write_customers", "read_products"];

/**
 * The app's webhook endpoint without Next.js: the same service the route calls, recording through a
 * group commit as the web app's lean path does (the emulator's concurrent deliveries become batches,
 * each applied by one job), on a port of its own, so the emulator's deliveries (HMAC, headers,
 * retries) reach the real receiving code. An
 * exception in that code is answered 500 (so the emulator retries, as Shopify would) and recorded:
 * `errors` holds it, and `close()` fails with it, so no test passes over it.
 */
export async function startWebhookEndpoint(): Promise<{ url: string; errors: Error[]; close: () => Promise<void> }> {
  const errors: Error[] = [];
  const deps = () => ({ db: getDb(), shopify: getShopify(), jobs: createJobProducer(globalThis.__syncTestInfra!.queue), log: getLogger() });
  const group = createGroupCommitter((verified: VerifiedDelivery[]) => recordDeliveries(deps(), verified), { maxInFlight: 1 });
  const recorder = async (delivery: VerifiedDelivery) => (await group.submit([delivery]))[0]!;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      receiveShopifyWebhook({ ...deps(), recorder }, { headers: nodeHeaderReader(req.headers), rawBody })
        .then((answer) => res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body)))
        .catch((err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          errors.push(new Error(`The webhook endpoint failed on ${req.headers["x-shopify-topic"] ?? "a delivery"}: ${error.message}`, { cause: error }));
          res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: error.message }));
        });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      if (errors.length) throw new Error(`${errors.length} webhook delivery(ies) failed in the app's endpoint; first: ${errors[0]!.message}`, { cause: errors[0] });
    },
  };
}

/** Throws the first error the webhook endpoint hit, if any (call at each checkpoint, so a test fails where it happened). */
export function expectNoEndpointErrors(endpoint: { errors: Error[] }): void {
  if (endpoint.errors.length) throw new Error(`${endpoint.errors.length} webhook delivery(ies) failed in the app's endpoint; first: ${endpoint.errors[0]!.message}`, { cause: endpoint.errors[0] });
}

declare global {
  var __syncTestInfra: Infra | undefined;
}

/**
 * Emulator + app webhook endpoint + a brand with the shop connected (which queues the syncs).
 * Connecting schedules the store's reconciliation on the quarter hour (cron, in Postgres); a test
 * crossing one would see it repair drift the test means to look at, so the schedule is removed
 * unless `keepReconcileSchedule` (tests run reconciliation themselves with `runReconcile`).
 */
export async function connectedShop(opts: {
  infra: Infra;
  apiKey: string;
  shop: string;
  shopSpec: Record<string, unknown>;
  limits?: EmulatorOptions["limits"];
  keepReconcileSchedule?: boolean;
}) {
  globalThis.__syncTestInfra = opts.infra;
  const endpoint = await startWebhookEndpoint();
  const secret = `${opts.apiKey}-secret-0123456789`;
  Object.assign(process.env, { SHOPIFY_API_KEY: opts.apiKey, SHOPIFY_API_SECRET: secret, APP_URL: endpoint.url, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
  resetEnvCache();
  const emulator: Emulator = await startEmulator({
    apps: [{ name: "Brandbase", clientId: opts.apiKey, clientSecret: secret, redirectUrls: [`${endpoint.url}/api/shopify/callback`], scopes: SCOPES }],
    shops: [{ domain: opts.shop, ...opts.shopSpec }],
    limits: opts.limits,
  });
  routeShopifyToEmulator(emulator.url);
  const owner = await createUser(`${opts.apiKey}-owner`);
  const brand = await callerFor(owner, opts.infra).brands.create({ name: `${opts.apiKey} brand` });
  const deps = {
    db: getDb(),
    shopify: getShopify(),
    secret: "integration-tests-secret-0123456789abcdef",
    emulatorUrl: emulator.url,
    storage: await getSessionStorage(),
    log: getLogger(),
    jobs: createJobProducer(opts.infra.queue),
    pubsub: opts.infra.pubsub,
  };
  const request = new Request(`${endpoint.url}/api/shopify/install`, { headers: { "user-agent": CHROME_UA } });
  const begin = await beginStoreConnect(deps, { userId: owner.id, brand: brand.slug, shop: opts.shop, request });
  const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
  await completeStoreConnect(deps, { userId: owner.id, request: new Request(callbackUrl, { headers: { cookie: cookieHeader(begin), "user-agent": CHROME_UA } }) });
  const [{ id: storeId }] = (await getDb().select({ id: stores.id }).from(stores).where(eq(stores.shopDomain, opts.shop))) as [{ id: string }];
  if (!opts.keepReconcileSchedule) await opts.infra.queue.unschedule("sync", reconcileScheduleId(storeId));
  return {
    emulator,
    owner,
    brand,
    storeId,
    endpoint,
    /** The store's rows equal the shop's records field by field (all of them, or those in scope). */
    expectEqualsShop: (check: { scope?: Scope; label?: string } = {}) => {
      expectNoEndpointErrors(endpoint);
      return expectStoreEqualsShop({ storeId, emulatorUrl: emulator.url, shop: opts.shop, ...check });
    },
    close: async () => {
      await emulator.close();
      await endpoint.close();
    },
  };
}

/** Our stored data in the shape of the emulator's truth (money exact, per currency). */
export async function localTruth(storeId: string): Promise<Truth> {
  const sql = getSql();
  const [c] = await sql<{ orders: string; customers: string; products: string; lineItems: string; refunds: string }[]>`select
    (select count(*) from shop_orders where store_id = ${storeId}) as orders,
    (select count(*) from shop_customers where store_id = ${storeId}) as customers,
    (select count(*) from shop_products where store_id = ${storeId}) as products,
    (select count(*) from shop_line_items where store_id = ${storeId}) as "lineItems",
    (select count(*) from shop_refunds where store_id = ${storeId}) as refunds`;
  const money = await sql<{ currency: string; orders: string; total: string; refunded: string; net: string }[]>`
    select currency, count(*) as orders, round(sum(total), 2)::text as total, round(sum(refunded), 2)::text as refunded, round(sum(total - refunded), 2)::text as net
    from shop_orders where store_id = ${storeId} group by currency order by currency`;
  return {
    counts: { orders: Number(c!.orders), customers: Number(c!.customers), products: Number(c!.products), lineItems: Number(c!.lineItems), refunds: Number(c!.refunds) },
    money: Object.fromEntries(money.map((m) => [m.currency, { orders: Number(m.orders), total: m.total, refunded: m.refunded, net: m.net }])),
  };
}

/** No duplicate rows: every natural key once per store. */
export async function duplicateRows(storeId: string): Promise<number> {
  const sql = getSql();
  let n = 0;
  for (const table of ["shop_orders", "shop_customers", "shop_products", "shop_variants", "shop_line_items", "shop_refunds"]) {
    const [row] = await sql.unsafe(`select count(*) - count(distinct shopify_id) as d from ${table} where store_id = $1`, [storeId]);
    n += Number(row!.d);
  }
  return n;
}

/** Waits for the store's latest history run to end (every step done or failed); a failed run throws with its steps' errors. */
export async function waitForRun(storeId: string, timeoutMs = 120_000) {
  const run = await eventually(
    async () => {
      const [latest] = await getDb().select().from(syncRuns).where(eq(syncRuns.storeId, storeId)).orderBy(desc(syncRuns.startedAt)).limit(1);
      return latest && latest.status !== "running" ? latest : undefined;
    },
    { timeoutMs, label: "the history sync to finish" },
  );
  if (run.status === "failed") {
    const steps = await getDb().select().from(syncSteps).where(eq(syncSteps.runId, run.id));
    throw new Error(`history sync failed: ${steps.map((s) => `${s.entity} ${s.phase} ${s.error ?? ""}`).join("; ")}`);
  }
  return run;
}

/** Flips the emulator's fault switches for a shop (throws on an unknown switch). */
export async function setFaults(emulatorUrl: string, shop: string, faults: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emulatorUrl}/_emulator/shops/${shop}/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`Setting faults failed: ${res.status} ${await res.text()}`);
}
