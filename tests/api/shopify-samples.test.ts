import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhook } from "~/app/api/webhooks/shopify/route";
import { getDb } from "~/server/db/client";
import { shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopTombstones, shopVariants, stores, webhookDeliveries } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { callerFor, createUser, processInfra, servicesReady } from "../helpers/context";

/**
 * Shopify's own bodies (tests/fixtures/shopify, sources in its README), signed and POSTed to the
 * webhook endpoint as Shopify sends them, then applied: what is stored must be what Shopify meant —
 * 18-digit ids exact, money in the shop's currency, refunds only what successful transactions returned.
 */

const API_KEY = "samples-test-app";
const API_SECRET = "samples-test-secret-0123456789";
const APP_URL = "http://localhost:3000";
const SHOP = "samples-shop.myshopify.com";

/** A fixture's exact text (never parsed here: its ids are beyond 2^53). */
const sample = (name: string) => readFileSync(new URL(`../fixtures/shopify/${name}`, import.meta.url), "utf8");

describe.skipIf(!servicesReady)("Shopify's sample webhook bodies, as sent", () => {
  let infra: Infra;
  let storeId = "";

  /** Signs and POSTs the body to the endpoint, then applies the recorded delivery (the ingestion worker's job). */
  async function deliver(topic: string, raw: string, triggeredAt = new Date()) {
    const eventId = randomUUID();
    const res = await webhook(
      new Request(`${APP_URL}/api/webhooks/shopify`, {
        method: "POST",
        body: raw,
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": topic,
          "x-shopify-hmac-sha256": createHmac("sha256", API_SECRET).update(raw).digest("base64"),
          "x-shopify-shop-domain": SHOP,
          "x-shopify-api-version": "2026-01",
          "x-shopify-webhook-id": randomUUID(),
          "x-shopify-event-id": eventId,
          "x-shopify-triggered-at": triggeredAt.toISOString(),
        },
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    const [row] = await getDb().select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
    expect(await applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: row!.id })).toEqual({ applied: 1, skipped: 0 });
    return row!.id;
  }

  const order = async (id: bigint) => (await getDb().select().from(shopOrders).where(and(eq(shopOrders.storeId, storeId), eq(shopOrders.shopifyId, id))))[0];
  const lines = (id: bigint) => getDb().select().from(shopLineItems).where(and(eq(shopLineItems.storeId, storeId), eq(shopLineItems.orderShopifyId, id))).orderBy(asc(shopLineItems.shopifyId));
  const refunds = (id: bigint) => getDb().select().from(shopRefunds).where(and(eq(shopRefunds.storeId, storeId), eq(shopRefunds.orderShopifyId, id))).orderBy(asc(shopRefunds.shopifyId));

  beforeAll(async () => {
    Object.assign(process.env, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, APP_URL, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    infra = processInfra(); // resets the env cache too
    const owner = await createUser("samples-owner");
    const brand = await callerFor(owner, infra).brands.create({ name: "Samples Brand" });
    const [store] = await getDb().insert(stores).values({ brandId: brand.id, shopDomain: SHOP, status: "connected" }).returning({ id: stores.id });
    storeId = store!.id;
  });
  afterAll(async () => {
    await closeInfra();
    for (const k of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"]) delete process.env[k];
    resetEnvCache();
  });

  it("stores orders/create with its 18-digit ids exact, in the body kept as the record and in the rows", async () => {
    const deliveryId = await deliver("orders/create", sample("orders-create.json"));
    // The recorded body keeps every digit (jsonb numbers are exact; it is written and read as text).
    const [kept] = await getDb()
      .select({ id: sql<string>`${webhookDeliveries.payload}->>'id'`, line: sql<string>`${webhookDeliveries.payload}->'line_items'->0->>'id'` })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, deliveryId));
    expect(kept).toEqual({ id: "820982911946154508", line: "866550311766439020" });

    expect(await order(820982911946154508n)).toMatchObject({
      shopifyId: 820982911946154508n,
      customerShopifyId: 115310627314723954n,
      name: "#9999",
      currency: "USD",
      subtotal: "378.0000",
      discounts: "20.0000",
      total: "388.0000",
      refunded: "0.0000",
      financialStatus: "voided",
    });
    expect((await lines(820982911946154508n)).map((l) => [l.shopifyId, l.productShopifyId, l.variantShopifyId, l.price])).toEqual([
      [141249953214522974n, 632910392n, 808950810n, "199.0000"],
      [866550311766439020n, 632910392n, 808950810n, "199.0000"],
    ]);
    // Read back by the database's own text of the id: nothing was rounded on the way in.
    const [asText] = await getDb().select({ id: sql<string>`${shopOrders.shopifyId}::text` }).from(shopOrders).where(eq(shopOrders.storeId, storeId));
    expect(asText!.id).toBe("820982911946154508");
  });

  it("adds refunds/create to its order: only what the successful transaction returned", async () => {
    await deliver("refunds/create", sample("refunds-create.json"));
    expect((await refunds(820982911946154508n)).map((r) => [r.shopifyId, r.amount])).toEqual([[890088186047892319n, "89.9900"]]);
    expect(await order(820982911946154508n)).toMatchObject({ refunded: "89.9900" });
  });

  it("stores customers/create and products/create with their ids exact", async () => {
    await deliver("customers/create", sample("customers-create.json"));
    const [customer] = await getDb().select().from(shopCustomers).where(and(eq(shopCustomers.storeId, storeId), eq(shopCustomers.shopifyId, 706405506930370084n)));
    expect(customer).toMatchObject({ email: "bob@biller.com", firstName: "Bob", lastName: "Biller", tags: null });

    await deliver("products/create", sample("products-create.json"));
    const [product] = await getDb().select().from(shopProducts).where(and(eq(shopProducts.storeId, storeId), eq(shopProducts.shopifyId, 788032119674292922n)));
    expect(product).toMatchObject({ title: "Example T-Shirt", vendor: "Acme", status: "active" });
    const variants = await getDb().select().from(shopVariants).where(and(eq(shopVariants.storeId, storeId), eq(shopVariants.productShopifyId, 788032119674292922n))).orderBy(asc(shopVariants.shopifyId));
    expect(variants.map((v) => [v.shopifyId, v.sku, v.price])).toEqual([
      [642667041472713922n, "example-shirt-s", "19.9900"],
      [757650484644203962n, "example-shirt-m", "19.9900"],
    ]);
  });

  it("counts a refund's successful transaction only, not its failed and pending attempts (REST order 450789469)", async () => {
    await deliver("orders/updated", sample("rest-order-450789469.json"));
    // Summing every transaction said $627.00 refunded on a $598.94 order.
    expect(await order(450789469n)).toMatchObject({ total: "598.9400", refunded: "209.0000", financialStatus: "partially_refunded" });
    expect((await refunds(450789469n)).map((r) => r.amount)).toEqual(["209.0000"]);
  });

  it("stores a multi-currency order in the shop's currency: totals, prices and the refund, not the euros the customer paid in", async () => {
    await deliver("orders/updated", sample("orders-updated-presentment.json"));
    expect(await order(820982911946154509n)).toMatchObject({ currency: "USD", subtotal: "398.0000", tax: "31.8400", total: "429.8400", refunded: "209.0000" });
    expect((await lines(820982911946154509n)).map((l) => l.price)).toEqual(["199.0000"]);
    // The successful transaction returned EUR 192.28 (a failed attempt before it, nothing): USD 209.00 in the shop's books.
    expect((await refunds(820982911946154509n)).map((r) => [r.shopifyId, r.amount])).toEqual([[890088186047892320n, "209.0000"]]);
  });

  it("applies orders/delete: the order, its lines and refunds go, its tombstone names the exact id", async () => {
    await deliver("orders/delete", sample("orders-delete.json"));
    expect(await order(820982911946154508n)).toBeUndefined();
    expect(await lines(820982911946154508n)).toHaveLength(0);
    expect(await refunds(820982911946154508n)).toHaveLength(0);
    const tombstones = await getDb().select().from(shopTombstones).where(and(eq(shopTombstones.storeId, storeId), eq(shopTombstones.entity, "orders")));
    expect(tombstones.map((t) => [t.shopifyId, t.reason])).toEqual([[820982911946154508n, "deleted"]]);
    // The other order, one id further, is untouched (a rounded id would have named both the same).
    expect(await order(820982911946154509n)).toBeDefined();
  });
});
