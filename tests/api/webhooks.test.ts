import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "~/emulator";
import { getDb, getSql } from "~/server/db/client";
import { formatCents } from "~/emulator/store/money";
import { customerPayload, orderPayload, productPayload, refundPayload } from "~/emulator/webhooks/payloads";
import { dataRequests, shopCustomers, shopifySession, shopLineItems, shopOrders, shopProducts, shopVariants, stores, webhookDeliveries } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { beginStoreConnect, completeStoreConnect } from "~/server/services/stores/connect";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { createGroupCommitter } from "~/server/group-commit";
import { commitDeliveries, receiveShopifyWebhook, recordDeliveries, requeueUnprocessedDeliveries, type VerifiedDelivery } from "~/server/services/webhooks/receive";
import { getShopify } from "~/server/shopify/api";
import { routeShopifyToEmulator } from "~/server/shopify/routing";
import { getSessionStorage } from "~/server/shopify/session-storage";
import { approveOnConsentPage, CHROME_UA, cookieHeader, webhookReceiver } from "../emulator/harness";
import { callerFor, createUser, eventually, servicesReady, testInfra } from "../helpers/context";

const API_KEY = "webhook-test-app";
const API_SECRET = "webhook-test-secret-0123456789";
/** The app's address as Shopify knows it: this file's own receiver (set in beforeAll). */
let APP_URL = "";
const SHOP = "hook-shop.myshopify.com";

/**
 * A delivery as Shopify sends it: raw JSON body, base64 HMAC-SHA256 with the app's secret.
 * `triggeredAt`: the event's time on the shop's clock (the emulator's, for the changes it made).
 */
function delivery(topic: string, body: unknown, opts: { eventId?: string; secret?: string; tamper?: boolean; triggeredAt?: number | string } = {}) {
  const raw = JSON.stringify(body);
  const hmac = createHmac("sha256", opts.secret ?? API_SECRET).update(raw).digest("base64");
  const headers = new Headers({
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-10",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": opts.eventId ?? randomUUID(),
      "x-shopify-triggered-at": typeof opts.triggeredAt === "string" ? opts.triggeredAt : new Date(opts.triggeredAt ?? Date.now()).toISOString(),
  });
  return { headers, rawBody: opts.tamper ? raw.replace("1", "2") : raw };
}

/** Rows of this test's shop only (emulated shops share id ranges, and other suites' rows may be there). */
const ofThisShop = (table: { storeId: AnyPgColumn }) => inArray(table.storeId, getDb().select({ id: stores.id }).from(stores).where(eq(stores.shopDomain, SHOP)));

describe.skipIf(!servicesReady)("Shopify webhooks: receive, record, apply", () => {
  let emulator: Emulator;
  let infra: Infra;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const receive = (d: ReturnType<typeof delivery>) =>
    receiveShopifyWebhook({ db: getDb(), shopify: getShopify(), jobs: createJobProducer(infra.queue), log: getLogger() }, d);
  const rows = (eventId: string) => getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));

  beforeAll(async () => {
    // The emulator really delivers the webhooks the store subscribes to: they must land here.
    receiver = await webhookReceiver();
    APP_URL = new URL(receiver.url).origin;
    Object.assign(process.env, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, APP_URL, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    resetEnvCache();
    emulator = await startEmulator({
      apps: [{ name: "Brandbase", clientId: API_KEY, clientSecret: API_SECRET, redirectUrls: [`${APP_URL}/api/shopify/callback`], scopes: ["read_orders", "read_customers", "write_customers", "read_products"] }],
      shops: [{ domain: SHOP, orders: 20, endAt: Date.UTC(2026, 9, 1) }],
    });
    routeShopifyToEmulator(emulator.url);
    infra = testInfra();
  });
  afterAll(async () => {
    await emulator.close();
    await infra.close();
    await receiver.close();
  });

  it("subscribes to the product's topics when a store is connected", async () => {
    const owner = await createUser("hook-owner");
    const brand = await callerFor(owner, infra).brands.create({ name: "Hook Brand" });
    const deps = { db: getDb(), shopify: getShopify(), secret: "integration-tests-secret-0123456789abcdef", emulatorUrl: emulator.url, storage: await getSessionStorage(), log: getLogger() };
    const request = new Request(`${APP_URL}/api/shopify/install`, { headers: { "user-agent": CHROME_UA } });
    const begin = await beginStoreConnect(deps, { userId: owner.id, brand: brand.slug, shop: SHOP, request });
    const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
    await completeStoreConnect(deps, { userId: owner.id, request: new Request(callbackUrl, { headers: { cookie: cookieHeader(begin), "user-agent": CHROME_UA } }) });
    const subs = emulator.webhooks.list(emulator.state.shop(SHOP)!, API_KEY);
    expect(subs.map((s) => s.topic).sort()).toEqual(
      ["APP_UNINSTALLED", "BULK_OPERATIONS_FINISH", "CUSTOMERS_CREATE", "CUSTOMERS_DELETE", "CUSTOMERS_UPDATE", "ORDERS_CANCELLED", "ORDERS_CREATE", "ORDERS_DELETE", "ORDERS_UPDATED", "PRODUCTS_CREATE", "PRODUCTS_DELETE", "PRODUCTS_UPDATE", "REFUNDS_CREATE"],
    );
    expect(new Set(subs.map((s) => s.uri))).toEqual(new Set([`${APP_URL}/api/webhooks/shopify`]));
  });

  it("records concurrent deliveries through one group commit: each answered, redeliveries once, unknown shops ignored, all queued", async () => {
    const group = createGroupCommitter((verified: VerifiedDelivery[]) => recordDeliveries({ db: getDb(), jobs: createJobProducer(infra.queue), log: getLogger() }, verified), { maxInFlight: 1 });
    const recorder = async (d: VerifiedDelivery) => (await group.submit([d]))[0]!;
    const lean = (d: ReturnType<typeof delivery>) => receiveShopifyWebhook({ db: getDb(), shopify: getShopify(), jobs: createJobProducer(infra.queue), log: getLogger(), recorder }, d);
    const repeated = randomUUID();
    const unique = Array.from({ length: 20 }, () => randomUUID());
    const stranger = delivery("orders/create", { id: 7 }, { eventId: randomUUID() });
    stranger.headers.set("x-shopify-shop-domain", "stranger.myshopify.com");
    const answers = await Promise.all([
      ...unique.map((eventId, i) => lean(delivery("orders/create", { id: 6000000000000 + i }, { eventId }))),
      ...Array.from({ length: 5 }, () => lean(delivery("orders/create", { id: 6000000000100 }, { eventId: repeated }))),
      lean(stranger),
    ]);
    expect(answers.slice(0, 20).every((a) => a.body.received)).toBe(true);
    expect(answers.slice(20, 25).map((a) => Object.keys(a.body)[0]).sort()).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "received"]);
    expect(answers[25]).toEqual({ status: 200, body: { ignored: true } });
    const recorded = await getDb().select().from(webhookDeliveries).where(inArray(webhookDeliveries.eventId, [...unique, repeated]));
    expect(recorded).toHaveLength(21);
    // Each commit's deliveries of the shop are a batch, named by its first delivery: one job each.
    const batches = new Set(recorded.map((r) => r.batchId!));
    expect(recorded.every((r) => r.batchId)).toBe(true);
    expect(batches.size).toBeLessThan(recorded.length);
    const queued = await Promise.all([...batches].map((b) => infra.queue.getJob("ingestion", `webhook-${b}`)));
    expect(queued.map((j) => j && { name: j.name, deliveryId: (j.data as { deliveryId: string }).deliveryId })).toEqual([...batches].map((b) => ({ name: "shopifyWebhook", deliveryId: b })));
  });

  it("applies a batch in one job: every delivery of it, a malformed one marked and named while the others are applied", async () => {
    const shop = emulator.state.shop(SHOP)!;
    const variant = shop.store.products[0]!.variants[0]!;
    const bodies: { id: number | string }[] = Array.from({ length: 8 }, (_, i) =>
      i === 3 ? { id: 6000000000303, name: "#bad" } : orderPayload(shop.store, emulator.effects.createOrder(shop, { lineItems: [{ variantId: variant.id, quantity: 1 + i }] })),
    );
    const verified = bodies.map(
      (body): VerifiedDelivery => ({ shopDomain: SHOP, topic: "orders/create", webhookId: randomUUID(), eventId: randomUUID(), apiVersion: "2026-10", triggeredAt: null, payloadText: JSON.stringify(body) }),
    );
    const { jobs } = await commitDeliveries({ db: getDb(), log: getLogger() }, verified);
    expect(jobs).toHaveLength(1);
    const batch = jobs[0]!.deliveryId;
    await expect(applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: batch })).rejects.toThrow(
      /^orders\/create body: currency .*\(1 of 8 deliveries in this batch could not be applied; the others were\)$/,
    );
    const after = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.batchId, batch));
    expect(after.filter((d) => d.processedAt)).toHaveLength(7);
    expect(after.filter((d) => !d.processedAt).map((d) => d.error)).toEqual([expect.stringContaining("orders/create body: currency")]);
    const good = bodies.filter((_, i) => i !== 3).map((b) => BigInt(b.id));
    const written = await getDb().select({ id: shopOrders.shopifyId }).from(shopOrders).where(and(ofThisShop(shopOrders), inArray(shopOrders.shopifyId, good)));
    expect(written.map((o) => o.id).sort()).toEqual([...good].sort());
    // Retried (as an operator would from the queue page), only the malformed one is tried again, and fails again.
    await expect(applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: batch })).rejects.toThrow(/^orders\/create body: currency [^(]*$/);
  });

  it("answers a webhook for a shop nobody connected, and ignores it", async () => {
    const eventId = randomUUID();
    const d = delivery("orders/create", { id: 1 }, { eventId });
    d.headers.set("x-shopify-shop-domain", "stranger.myshopify.com");
    expect(await receive(d)).toEqual({ status: 200, body: { ignored: true } });
    expect(await rows(eventId)).toHaveLength(0);
  });

  it("answers 401 to a bad HMAC and stores nothing", async () => {
    const eventId = randomUUID();
    expect((await receive(delivery("orders/create", { id: 1 }, { eventId, tamper: true }))).status).toBe(401);
    expect((await receive(delivery("orders/create", { id: 1 }, { eventId, secret: "wrong-secret" }))).status).toBe(401);
    expect(await rows(eventId)).toHaveLength(0);
  });

  it("records a verified delivery once, queues it, and treats a redelivery as a duplicate", async () => {
    const eventId = randomUUID();
    const first = await receive(delivery("orders/create", { id: 5000000000001, name: "#1002" }, { eventId }));
    expect(first).toEqual({ status: 200, body: { received: true } });
    const again = await receive(delivery("orders/create", { id: 5000000000001, name: "#1002" }, { eventId }));
    expect(again).toEqual({ status: 200, body: { duplicate: true } });
    const recorded = await rows(eventId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ shopDomain: SHOP, topic: "orders/create", payload: { name: "#1002" }, processedAt: null });
    // X-Shopify-Triggered-At (outside the HMAC) is kept as a time, and one that is no time is dropped, not fatal.
    const at = "2026-11-30T10:00:00.123Z";
    const dated = randomUUID();
    await receive(delivery("orders/create", { id: 5000000000002 }, { eventId: dated, triggeredAt: at }));
    expect((await rows(dated))[0]!.triggeredAt).toEqual(new Date(at));
    const undated = randomUUID();
    expect(await receive(delivery("orders/create", { id: 5000000000003 }, { eventId: undated, triggeredAt: "yesterday-ish" }))).toEqual({ status: 200, body: { received: true } });
    expect((await rows(undated))[0]!.triggeredAt).toBeNull();
    const job = await infra.queue.getJob("ingestion", `webhook-${recorded[0]!.id}`);
    expect(job).toMatchObject({ name: "shopifyWebhook", data: { deliveryId: recorded[0]!.id } });

    // A body that is not an order fails permanently, with the field named, and stays recorded.
    await expect(applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: recorded[0]!.id })).rejects.toThrow(/orders\/create body: currency/);
    expect((await rows(eventId))[0]).toMatchObject({ processedAt: null, error: expect.stringContaining("orders/create body: currency") });
  });

  it("applies orders, refunds, customers and products exactly, and an older delivery never overwrites a newer one", async () => {
    const shop = emulator.state.shop(SHOP)!;
    const apply = async (topic: string, body: unknown) => {
      const eventId = randomUUID();
      await receive(delivery(topic, body, { eventId, triggeredAt: shop.store.eventTime() }));
      const [row] = await rows(eventId);
      await applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: row!.id });
    };
    const variant = shop.store.products[0]!.variants[0]!;
    const created = emulator.effects.createOrder(shop, { lineItems: [{ variantId: variant.id, quantity: 3 }], currency: "EUR" });
    const createdBody = orderPayload(shop.store, created);
    const { order: refunded, refund } = emulator.effects.refundOrder(shop, created.id, { lines: [{ lineItemId: created.lineItems[0]!.id, quantity: 1 }] });
    const updatedBody = orderPayload(shop.store, refunded);

    // Newer first, then the older create arrives late: the newer version stays.
    await apply("orders/updated", updatedBody);
    await apply("orders/create", createdBody);
    await apply("refunds/create", refundPayload(refunded, refund));
    const [order] = await getDb().select().from(shopOrders).where(and(ofThisShop(shopOrders), eq(shopOrders.shopifyId, BigInt(created.id))));
    // The customer paid in euros; the shop's books (and ours) are in its currency, dollars.
    expect(updatedBody.presentment_currency).toBe("EUR");
    expect(order).toMatchObject({ currency: "USD", total: `${updatedBody.total_price_set.shop_money.amount}00`, financialStatus: "partially_refunded" });
    // The refund's transactions are in euros: what is stored is the refund in dollars.
    const refundBody = refundPayload(refunded, refund);
    const paidBack = refundBody.transactions.filter((t) => t.status === "success");
    expect(paidBack.map((t) => t.currency)).toEqual(["EUR"]);
    expect(order!.refunded).toBe(`${formatCents(refund.amountCents)}00`);
    expect(order!.refunded).not.toBe(`${paidBack[0]!.amount}00`);
    expect(order!.updatedAt.toISOString().replace(".000", "")).toBe(updatedBody.updated_at);
    const lines = await getDb().select().from(shopLineItems).where(and(ofThisShop(shopLineItems), eq(shopLineItems.orderShopifyId, BigInt(created.id))));
    expect(lines.map((l) => [l.shopifyId, l.quantity])).toEqual([[BigInt(created.lineItems[0]!.id), 3]]);

    const customer = emulator.effects.updateCustomer(shop, shop.store.customer(0)!.id, { note: "vip" });
    await apply("customers/update", customerPayload(customer));
    const [savedCustomer] = await getDb().select().from(shopCustomers).where(and(ofThisShop(shopCustomers), eq(shopCustomers.shopifyId, BigInt(customer.id))));
    expect(savedCustomer).toMatchObject({ email: customer.email, firstName: customer.firstName });
    await apply("customers/delete", { id: customer.id });
    expect(await getDb().select().from(shopCustomers).where(and(ofThisShop(shopCustomers), eq(shopCustomers.shopifyId, BigInt(customer.id))))).toHaveLength(0);

    const product = emulator.effects.updateProduct(shop, shop.store.products[1]!.id, { title: "Renamed" });
    await apply("products/update", productPayload(product));
    const [savedProduct] = await getDb().select().from(shopProducts).where(and(ofThisShop(shopProducts), eq(shopProducts.shopifyId, BigInt(product.id))));
    expect(savedProduct!.title).toBe("Renamed");
    expect(await getDb().select().from(shopVariants).where(and(ofThisShop(shopVariants), eq(shopVariants.productShopifyId, BigInt(product.id))))).toHaveLength(product.variants.length);

    // The emulator delivered the same changes to the subscribed address: this file's receiver.
    await eventually(async () => {
      const seen = new Set(receiver.received.map((r) => r.headers["x-shopify-topic"]));
      return ["orders/create", "refunds/create", "customers/update", "products/update"].every((t) => seen.has(t));
    }, { label: "the emulator's deliveries at the test's receiver" });
  });

  it("queues again a delivery recorded while the queue was unreachable", async () => {
    const [row] = await getDb()
      .insert(webhookDeliveries)
      .values({ shopDomain: SHOP, topic: "customers/update", webhookId: randomUUID(), eventId: randomUUID(), payload: { id: 1 }, receivedAt: new Date(Date.now() - 120_000) })
      .returning();
    const deps = { db: getDb(), jobs: createJobProducer(infra.queue), queue: infra.queue };
    expect(await requeueUnprocessedDeliveries(deps, { olderThanMs: 60_000, limit: 100 })).toBeGreaterThanOrEqual(1);
    expect(await infra.queue.getJob("ingestion", `webhook-${row!.id}`)).toMatchObject({ name: "shopifyWebhook", data: { deliveryId: row!.id } });
    // Once queued, it is not queued twice.
    const again = await requeueUnprocessedDeliveries(deps, { olderThanMs: 60_000, limit: 100 });
    expect(again).toBe(0);
  });

  it("marks the store uninstalled and forgets its tokens on app/uninstalled, once", async () => {
    const eventId = randomUUID();
    await receive(delivery("app/uninstalled", { id: 1, domain: SHOP }, { eventId }));
    const [recorded] = await rows(eventId);
    expect(await applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: recorded!.id })).toEqual({ applied: 1, skipped: 0 });
    expect(await applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: recorded!.id })).toEqual({ applied: 0, skipped: 0, reason: "already processed" });
    const connected = await getDb().select().from(stores).where(eq(stores.shopDomain, SHOP));
    expect(connected.map((s) => s.status)).toEqual(["uninstalled"]);
    expect(await getDb().select().from(shopifySession).where(eq(shopifySession.shop, SHOP))).toHaveLength(0);
  });

  it("answers Shopify's compliance requests: data export, customer redaction, shop redaction", async () => {
    const shop = emulator.state.shop(SHOP)!;
    const run = async (topic: string, body: unknown) => {
      const eventId = randomUUID();
      await receive(delivery(topic, body, { eventId, triggeredAt: shop.store.eventTime() }));
      const [row] = await rows(eventId);
      return applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: row!.id });
    };
    // The store was uninstalled above; its data stays until shop/redact. Bring one customer's data in.
    await getDb().update(stores).set({ status: "connected" }).where(eq(stores.shopDomain, SHOP));
    const customer = shop.store.customer(2)!;
    const order = emulator.effects.createOrder(shop, { customerId: customer.id, lineItems: [{ variantId: shop.store.products[0]!.variants[0]!.id, quantity: 1 }] });
    await run("customers/update", customerPayload(customer));
    await run("orders/create", orderPayload(shop.store, order));

    expect(await run("customers/data_request", { shop_domain: SHOP, customer: { id: customer.id, email: customer.email }, orders_requested: [order.id], data_request: { id: 9 } })).toEqual({ applied: 1, skipped: 0 });
    const [request] = await getDb().select().from(dataRequests).where(eq(dataRequests.customerShopifyId, String(customer.id)));
    expect(request!.export).toMatchObject({ shop: SHOP, customer: { email: customer.email }, orders: [{ shopifyId: String(order.id), lineItems: [{ quantity: 1 }] }] });

    await run("customers/redact", { shop_domain: SHOP, customer: { id: customer.id, email: customer.email }, orders_to_redact: [order.id] });
    expect(await getDb().select().from(shopCustomers).where(and(ofThisShop(shopCustomers), eq(shopCustomers.shopifyId, BigInt(customer.id))))).toHaveLength(0);
    const [redactedOrder] = await getDb().select().from(shopOrders).where(and(ofThisShop(shopOrders), eq(shopOrders.shopifyId, BigInt(order.id))));
    expect(redactedOrder).toMatchObject({ email: null, phone: null });
    expect(await getDb().select().from(dataRequests).where(eq(dataRequests.customerShopifyId, String(customer.id)))).toHaveLength(0);
    const leftovers = await getSql()`select count(*)::int as n from webhook_deliveries where payload::text like ${"%" + customer.email + "%"}`;
    expect(leftovers[0]!.n).toBe(0);

    await run("shop/redact", { shop_id: 1, shop_domain: SHOP });
    const [{ n }] = (await getSql()`select count(*)::int as n from shop_orders o join stores s on s.id = o.store_id where s.shop_domain = ${SHOP}`) as [{ n: number }];
    expect(n).toBe(0);
    const [{ n: deliveries }] = (await getSql()`select count(*)::int as n from webhook_deliveries where shop_domain = ${SHOP} and topic <> 'shop/redact'`) as [{ n: number }];
    expect(deliveries).toBe(0);
  });
});
