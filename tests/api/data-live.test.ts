import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "~/emulator";
import { getDb } from "~/server/db/client";
import { shopOrders, stores, webhookDeliveries } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { announceData, dataChannel } from "~/server/services/commerce/announce";
import { beginStoreConnect, completeStoreConnect } from "~/server/services/stores/connect";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { receiveShopifyWebhook } from "~/server/services/webhooks/receive";
import { getShopify } from "~/server/shopify/api";
import { routeShopifyToEmulator } from "~/server/shopify/routing";
import { getSessionStorage } from "~/server/shopify/session-storage";
import { approveOnConsentPage, CHROME_UA, cookieHeader, webhookReceiver } from "../emulator/harness";
import { callerFor, createUser, eventually, servicesReady, testInfra } from "../helpers/context";

const API_KEY = "data-live-app";
const API_SECRET = "data-live-secret-0123456789";
const SHOP = "live-data-shop.myshopify.com";

describe.skipIf(!servicesReady)("data pages: the shop's details on connect, and live refresh when orders land", () => {
  let emulator: Emulator;
  let infra: Infra;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let appUrl = "";
  let owner: Awaited<ReturnType<typeof createUser>>;
  let brand: { id: string; slug: string };

  beforeAll(async () => {
    // No heartbeat within these tests: an update of the live view can only come from a change.
    process.env.LIVE_HEARTBEAT_MS = "3600000";
    receiver = await webhookReceiver();
    appUrl = new URL(receiver.url).origin;
    Object.assign(process.env, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, APP_URL: appUrl, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    resetEnvCache();
    emulator = await startEmulator({
      apps: [{ name: "Brandbase", clientId: API_KEY, clientSecret: API_SECRET, redirectUrls: [`${appUrl}/api/shopify/callback`], scopes: ["read_orders", "read_customers", "write_customers", "read_products"] }],
      shops: [{ domain: SHOP, orders: 5, endAt: Date.UTC(2026, 9, 1), currencies: ["EUR"], ianaTimezone: "Asia/Kolkata" }],
    });
    routeShopifyToEmulator(emulator.url);
    infra = testInfra();
    owner = await createUser("live-owner");
    brand = await callerFor(owner, infra).brands.create({ name: "Live Brand" });
  });
  afterAll(async () => {
    await emulator.close();
    await infra.close();
    await receiver.close();
  });

  it("stores the shop's currency and time zone when the store is connected", async () => {
    const deps = { db: getDb(), shopify: getShopify(), secret: "integration-tests-secret-0123456789abcdef", emulatorUrl: emulator.url, storage: await getSessionStorage(), log: getLogger() };
    const request = new Request(`${appUrl}/api/shopify/install`, { headers: { "user-agent": CHROME_UA } });
    const begin = await beginStoreConnect(deps, { userId: owner.id, brand: brand.slug, shop: SHOP, request });
    const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
    await completeStoreConnect(deps, { userId: owner.id, request: new Request(callbackUrl, { headers: { cookie: cookieHeader(begin), "user-agent": CHROME_UA } }) });
    const [store] = await getDb().select().from(stores).where(eq(stores.brandId, brand.id));
    expect(store).toMatchObject({ shopDomain: SHOP, currency: "EUR", ianaTimezone: "Asia/Kolkata" });
    const page = await callerFor(owner, infra).analytics.orders({ brand: brand.slug });
    expect(page).toMatchObject({ timeZone: "Asia/Kolkata", timeZoneSource: "store" });
  });

  it("announces on brand:{id}:data after a webhook's order is committed", async () => {
    const messages: unknown[] = [];
    const unsubscribe = await infra.pubsub.subscribe(dataChannel(brand.id), (m) => messages.push(m));
    try {
      // The emulator places an order and really sends orders/create, signed, to the app's address.
      const before = receiver.received.length;
      const shop = emulator.state.shop(SHOP)!;
      const created = emulator.effects.createOrder(shop, { lineItems: [{ variantId: shop.store.products[0]!.variants[0]!.id, quantity: 1 }] });
      const sent = await eventually(async () => receiver.received.slice(before).find((r) => r.headers["x-shopify-topic"] === "orders/create"), { label: "orders/create delivery" });
      const headers = new Headers(Object.entries(sent.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
      await receiveShopifyWebhook(
        { db: getDb(), shopify: getShopify(), jobs: createJobProducer(infra.queue), log: getLogger() },
        { headers, rawBody: sent.body },
      );
      const [delivery] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, String(sent.headers["x-shopify-event-id"])));
      expect(messages).toEqual([]);
      await applyShopifyWebhook({ db: getDb(), log: getLogger(), pubsub: infra.pubsub }, { deliveryId: delivery!.id });
      // Published after the commit: whoever hears it reads the new order.
      await eventually(async () => messages.length > 0, { label: "data announcement" });
      // This brand's row (other suites' shops share the emulator's deterministic ids).
      const [row] = await getDb().select().from(shopOrders).where(and(eq(shopOrders.brandId, brand.id), eq(shopOrders.shopifyId, BigInt(created.id))));
      expect(row).toMatchObject({ brandId: brand.id, name: created.name });
    } finally {
      await unsubscribe();
    }
  });

  it("analytics.live counts the changes it heard, at most one update every 2 s", async () => {
    const abort = new AbortController();
    const caller = callerFor(owner, infra, { signal: abort.signal });
    const live = await caller.analytics.live({ brand: brand.slug });
    const iterator = live[Symbol.asyncIterator]();
    // Each update is tracked (id, snapshot), so a reconnecting browser resumes.
    const changes = (r: IteratorResult<unknown>) => (r.value as [string, { changes: number }])[1];
    try {
      const first = await iterator.next();
      const at = Date.now();
      expect(changes(first)).toEqual({ changes: 0 });
      // Two changes in a row arrive as one update, no sooner than 2 s after the last one.
      announceData(infra, brand.id);
      announceData(infra, brand.id);
      const second = await iterator.next();
      expect(changes(second)).toEqual({ changes: 2 });
      expect(Date.now() - at).toBeGreaterThanOrEqual(1_900);
    } finally {
      abort.abort();
      await iterator.return?.();
    }
  });
});
