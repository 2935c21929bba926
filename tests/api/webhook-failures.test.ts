import { createHmac, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/server/db/client";
import { stores, webhookDeliveries } from "~/server/db/schema";
import { createDeps } from "~/server/deps";
import { getEnv } from "~/server/env";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { receiveShopifyWebhook } from "~/server/services/webhooks/receive";
import { type RunningWorkers, startWorkers } from "~/workers/runtime";
import { callerFor, createUser, eventually, processInfra, servicesReady } from "../helpers/context";
import { connectedShop } from "../helpers/sync-harness";

const SHOP = "failing-hooks.myshopify.com";

describe.skipIf(!servicesReady)("a webhook job that fails shows on the queue page of the brands it serves, and only theirs", () => {
  let infra: Infra;
  let workers: RunningWorkers;
  let ctx: Awaited<ReturnType<typeof connectedShop>>;

  beforeAll(async () => {
    infra = processInfra();
    // History ends a month ago: nothing the syncs would do matters here (the sync queue is not worked).
    ctx = await connectedShop({ infra, apiKey: "failing-hooks-app", shop: SHOP, shopSpec: { seed: 3, orders: 20, endAt: Date.now() - 30 * 86_400_000 } });
    workers = startWorkers({ infra, log: getLogger() }, { queues: ["ingestion"], graceMs: 500 });
  }, 60_000);
  afterAll(async () => {
    await workers?.stop();
    await ctx?.close();
    await closeInfra();
  });

  /** A verified delivery from the shop (signed with the app's secret), through the app's receiving service. */
  async function deliver(topic: string, body: unknown): Promise<string> {
    const raw = JSON.stringify(body);
    const eventId = randomUUID();
    const headers = new Headers({
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-hmac-sha256": createHmac("sha256", getEnv().SHOPIFY_API_SECRET!).update(raw).digest("base64"),
        "x-shopify-shop-domain": SHOP,
        "x-shopify-api-version": "2026-10",
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-event-id": eventId,
    });
    expect(await receiveShopifyWebhook(createDeps({ infra }), { headers, rawBody: raw })).toEqual({ status: 200, body: { received: true } });
    const [row] = await getDb().select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
    return `webhook-${row!.id}`;
  }

  it("lists a malformed delivery's failed job for the brand with the shop connected, not for another brand", async () => {
    const owner = callerFor(ctx.owner, infra);
    const otherUser = await createUser("hooks-other");
    const other = callerFor(otherUser, infra);
    const otherBrand = await other.brands.create({ name: "Hooks Other Brand" });

    const jobId = await deliver("orders/create", { id: 5000000000001, name: "#1001" }); // no currency, no totals
    const failed = await eventually(async () => (await owner.queues.failed({ brand: ctx.brand.slug })).jobs.find((j) => j.id === jobId), { timeoutMs: 20_000, label: "the failed webhook job" });
    // Failed at once (retrying cannot fix a malformed body), with the reason; the delivery carries it too.
    expect(failed).toMatchObject({ queue: "ingestion", name: "shopifyWebhook", attemptsMade: 1, error: expect.stringMatching(/^orders\/create body: currency /) });
    const [delivery] = await getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, jobId.replace("webhook-", "")));
    expect(delivery).toMatchObject({ processedAt: null, error: failed!.error });

    // Another brand neither sees it nor can act on it.
    expect((await other.queues.failed({ brand: otherBrand.slug })).jobs.map((j) => j.id)).not.toContain(jobId);
    await expect(other.queues.retry({ brand: otherBrand.slug, queue: "ingestion", jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(other.queues.discard({ brand: otherBrand.slug, queue: "ingestion", jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // Its own brand can discard it.
    await owner.queues.discard({ brand: ctx.brand.slug, queue: "ingestion", jobId });
    expect(await infra.queue.getJob("ingestion", jobId)).toBeNull();
  });

  it("shows a job of a shop two brands have connected to both; neither can discard it for the other", async () => {
    const second = await createUser("hooks-second");
    const secondCaller = callerFor(second, infra);
    const secondBrand = await secondCaller.brands.create({ name: "Hooks Second Brand" });
    // The same shop connected to a second brand (as a second OAuth connection would leave it).
    await getDb().insert(stores).values({ brandId: secondBrand.id, shopDomain: SHOP, status: "connected" });

    const jobId = await deliver("customers/update", { id: 3000000000001 }); // no updated_at
    const owner = callerFor(ctx.owner, infra);
    for (const [caller, slug] of [[owner, ctx.brand.slug], [secondCaller, secondBrand.slug]] as const) {
      await eventually(async () => (await caller.queues.failed({ brand: slug })).jobs.some((j) => j.id === jobId), { timeoutMs: 20_000, label: `the failed job on ${slug}'s page` });
    }
    await expect(secondCaller.queues.discard({ brand: secondBrand.slug, queue: "ingestion", jobId })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await infra.queue.getJob("ingestion", jobId)).toMatchObject({ data: { brandIds: expect.arrayContaining([ctx.brand.id, secondBrand.id]) } });
  });
});
