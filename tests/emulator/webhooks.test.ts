import { DeliveryMethod, type Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "~/emulator";
import { CLIENT_ID, installApp, makeShopify, SHOP, startHarness, webhookReceiver } from "./harness";

describe("emulator webhooks, checked by @shopify/shopify-api", () => {
  let emulator: Emulator;
  let session: Session;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const shopify = makeShopify();
  const control = (path: string, body?: unknown, method = "POST") =>
    fetch(`${emulator.url}/_emulator/shops/${SHOP}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const asRequest = (d: { body: string; headers: Record<string, string | string[] | undefined> }) =>
    new Request(receiver.url, { method: "POST", body: d.body, headers: Object.entries(d.headers).map(([k, v]) => [k, String(v)] as [string, string]) });

  beforeAll(async () => {
    receiver = await webhookReceiver();
    emulator = await startHarness({ limits: { webhookRetryDelaysMs: [20, 40] } });
    emulator.state.apps.get(CLIENT_ID)!.complianceUrl = receiver.url;
    ({ session } = await installApp(shopify));
    const topics = ["ORDERS_CREATE", "ORDERS_UPDATED", "REFUNDS_CREATE", "CUSTOMERS_UPDATE", "APP_UNINSTALLED", "BULK_OPERATIONS_FINISH"];
    shopify.webhooks.addHandlers(Object.fromEntries(topics.map((t) => [t, { deliveryMethod: DeliveryMethod.Http, callbackUrl: receiver.url }])));
    const result = await shopify.webhooks.register({ session });
    for (const t of topics) expect(result[t]?.[0]?.success).toBe(true);
  });
  afterAll(async () => {
    await emulator.close();
    await receiver.close();
  });

  it("registers subscriptions the way the library sends them, and lists them back", async () => {
    const again = await shopify.webhooks.register({ session });
    // Already registered with the same address: nothing to do.
    expect(Object.values(again).flat()).toEqual([]);
    const { data } = await new shopify.clients.Graphql({ session }).request<{ webhookSubscriptions: { nodes: { topic: string; uri: string }[] } }>(
      "{ webhookSubscriptions(first: 50) { nodes { topic uri } } }",
    );
    expect(data!.webhookSubscriptions.nodes.map((n) => n.topic).sort()).toEqual(["APP_UNINSTALLED", "BULK_OPERATIONS_FINISH", "CUSTOMERS_UPDATE", "ORDERS_CREATE", "ORDERS_UPDATED", "REFUNDS_CREATE"]);
  });

  it("delivers signed webhooks with Shopify's headers that the library validates, and rejects a tampered body", async () => {
    receiver.received.length = 0;
    const created = await (await control("/orders", { lineItems: [{ variantId: 8000000000000, quantity: 2 }], email: "buyer@example.test" })).json();
    await emulator.webhooks.settle();
    const delivery = receiver.received.find((d) => d.headers["x-shopify-topic"] === "orders/create")!;
    expect(JSON.parse(delivery.body)).toMatchObject({ id: created.id, email: "buyer@example.test", line_items: [{ quantity: 2, variant_id: 8000000000000 }] });
    expect(delivery.headers).toMatchObject({ "x-shopify-shop-domain": SHOP, "x-shopify-api-version": "2026-10" });
    expect(delivery.headers["x-shopify-webhook-id"]).toBeTruthy();
    expect(delivery.headers["x-shopify-event-id"]).toBeTruthy();
    expect(delivery.headers["x-shopify-triggered-at"]).toBeTruthy();

    const valid = await shopify.webhooks.validate({ rawBody: delivery.body, rawRequest: asRequest(delivery) });
    expect(valid).toMatchObject({ valid: true, topic: "ORDERS_CREATE", domain: SHOP });
    const tampered = await shopify.webhooks.validate({ rawBody: delivery.body.replace("buyer@", "thief@"), rawRequest: asRequest(delivery) });
    expect(tampered).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("fires refunds/create and orders/updated for a refund, and keeps the truth in step", async () => {
    const before = (await (await control("/truth", undefined, "GET")).json()) as { counts: { refunds: number } };
    receiver.received.length = 0;
    const order = await (await control("/orders", { lineItems: [{ variantId: 8000000000008, quantity: 3 }] })).json();
    const lineId = order.line_items[0].id;
    await control(`/orders/${order.id}/refunds`, { lines: [{ lineItemId: lineId, quantity: 1 }] });
    await emulator.webhooks.settle();
    expect(receiver.received.map((d) => d.headers["x-shopify-topic"])).toEqual(["orders/create", "refunds/create", "orders/updated"]);
    const after = (await (await control("/truth", undefined, "GET")).json()) as { counts: { refunds: number; orders: number } };
    expect(after.counts.refunds).toBe(before.counts.refunds + 1);
  });

  it("retries a failing endpoint and logs every attempt", async () => {
    // A second subscription whose endpoint does not exist: every attempt fails, then it is marked failed.
    await new shopify.clients.Graphql({ session }).request(
      `mutation { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { uri: "http://127.0.0.1:9/nowhere" }) { userErrors { message } } }`,
    );
    await control("/customers/6000000000001", { note: "touch" }, "PATCH");
    await emulator.webhooks.settle();
    const deliveries = (await (await control("/deliveries", undefined, "GET")).json()) as { uri: string; state: string; attempts: unknown[] }[];
    const failed = deliveries.find((d) => d.uri === "http://127.0.0.1:9/nowhere")!;
    expect(failed.state).toBe("failed");
    expect(failed.attempts).toHaveLength(3);
    expect(deliveries.find((d) => d.uri === receiver.url && d.state === "delivered")).toBeDefined();
  });

  it("duplicates, drops and reorders deliveries when told to", async () => {
    await control("/faults", { webhookDuplicateRate: 1 }, "PUT");
    receiver.received.length = 0;
    await control("/customers/6000000000002", { note: "dup" }, "PATCH");
    await emulator.webhooks.settle();
    const dups = receiver.received.filter((d) => d.headers["x-shopify-topic"] === "customers/update");
    expect(dups).toHaveLength(2);
    expect(dups[0]!.headers["x-shopify-event-id"]).toBe(dups[1]!.headers["x-shopify-event-id"]);

    await control("/faults", { webhookDuplicateRate: 0, webhookDropRate: 1 }, "PUT");
    receiver.received.length = 0;
    await control("/customers/6000000000003", { note: "dropped" }, "PATCH");
    await emulator.webhooks.settle();
    expect(receiver.received).toHaveLength(0);

    // Reordered: every delivery waits a random 50–300 ms, so ten quick updates arrive shuffled.
    await control("/faults", { webhookDropRate: 0, webhookReorderRate: 1 }, "PUT");
    receiver.received.length = 0;
    for (let i = 0; i < 10; i++) await control("/customers/6000000000005", { note: `v${i}` }, "PATCH");
    await emulator.webhooks.settle();
    const notes = receiver.received.map((d) => JSON.parse(d.body).note as string);
    expect([...notes].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
    expect(notes).not.toEqual([...notes].sort());
    await control("/faults", undefined, "DELETE");
  });

  it("sends compliance webhooks to the app's compliance URL with Shopify's payloads", async () => {
    receiver.received.length = 0;
    await control("/compliance/customers-redact", { customerId: 6000000000004 });
    await control("/compliance/customers-data-request", { customerId: 6000000000004 });
    await control("/compliance/shop-redact", {});
    await emulator.webhooks.settle();
    const byTopic = Object.fromEntries(receiver.received.map((d) => [d.headers["x-shopify-topic"], JSON.parse(d.body)]));
    expect(byTopic["customers/redact"]).toMatchObject({ shop_domain: SHOP, customer: { id: 6000000000004 }, orders_to_redact: expect.any(Array) });
    expect(byTopic["customers/data_request"]).toMatchObject({ shop_domain: SHOP, customer: { id: 6000000000004 }, orders_requested: expect.any(Array), data_request: { id: expect.any(Number) } });
    expect(byTopic["shop/redact"]).toMatchObject({ shop_domain: SHOP });
  });

  it("announces bulk_operations/finish, and app/uninstalled before the token stops working", async () => {
    receiver.received.length = 0;
    const client = new shopify.clients.Graphql({ session });
    await client.request(`mutation { bulkOperationRunQuery(query: "{ products { edges { node { id } } } }", groupObjects: false) { userErrors { message } } }`);
    for (let i = 0; i < 100 && !receiver.received.some((d) => d.headers["x-shopify-topic"] === "bulk_operations/finish"); i++) {
      await new Promise((r) => setTimeout(r, 20));
      await emulator.webhooks.settle();
    }
    const finish = receiver.received.find((d) => d.headers["x-shopify-topic"] === "bulk_operations/finish")!;
    expect(JSON.parse(finish.body)).toMatchObject({ status: "completed", type: "query", admin_graphql_api_id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\//) });

    await control("/uninstall", { clientId: CLIENT_ID });
    await emulator.webhooks.settle();
    expect(receiver.received.some((d) => d.headers["x-shopify-topic"] === "app/uninstalled")).toBe(true);
    await expect(client.request("{ shop { name } }")).rejects.toMatchObject({ response: { code: 401 } });
  });
});
