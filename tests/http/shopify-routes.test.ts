import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as callback } from "~/app/api/shopify/callback/route";
import { GET as install } from "~/app/api/shopify/install/route";
import { POST as webhook } from "~/app/api/webhooks/shopify/route";
import { type Emulator, startEmulator } from "~/emulator";
import { getAuth } from "~/server/auth";
import { getDb } from "~/server/db/client";
import { stores, webhookDeliveries } from "~/server/db/schema";
import { resetEnvCache } from "~/server/env";
import { closeInfra, type Infra } from "~/server/infra";
import { getLogger } from "~/server/logger";
import { applyShopifyWebhook } from "~/server/services/webhooks/apply";
import { routeShopifyToEmulator } from "~/server/shopify/routing";
import { approveOnConsentPage, CHROME_UA, cookieHeader } from "../emulator/harness";
import { callerFor, createUser, processInfra, servicesReady } from "../helpers/context";

const API_KEY = "routes-test-app";
const API_SECRET = "routes-test-secret-0123456789";
const APP_URL = "http://localhost:3000";
const SHOP = "route-shop.myshopify.com";
const MB = 1024 * 1024;

/** A webhook request as Shopify sends it: the exact bytes, their HMAC, Shopify's headers. */
function shopifyRequest(topic: string, raw: string | ReadableStream<Uint8Array>, opts: { hmacOf?: string; shop?: string; headers?: Record<string, string> } = {}) {
  const signed = opts.hmacOf ?? (typeof raw === "string" ? raw : "");
  return new Request(`${APP_URL}/api/webhooks/shopify`, {
    method: "POST",
    body: raw,
    // @ts-expect-error Node's fetch needs it for a stream body; the DOM types do not know it.
    duplex: "half",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": createHmac("sha256", API_SECRET).update(signed).digest("base64"),
      "x-shopify-shop-domain": opts.shop ?? SHOP,
      "x-shopify-api-version": "2026-10",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": randomUUID(),
      ...opts.headers,
    },
  });
}

/** A body that streams `total` bytes in `chunk`-sized pieces and counts what was pulled. */
function countingStream(total: number, chunk = 64 * 1024) {
  const seen = { bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.bytes >= total) return controller.close();
      const size = Math.min(chunk, total - seen.bytes);
      seen.bytes += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

const deliveriesOf = (eventId: string) => getDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
const eventIdOf = (req: Request) => req.headers.get("x-shopify-event-id")!;

/** Signs in through better-auth as the browser would and returns the session cookie. */
async function sessionCookie(email: string): Promise<string> {
  const res = await getAuth().api.signInEmail({ body: { email, password: "correct-horse-42" }, asResponse: true });
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}


describe.skipIf(!servicesReady)("the Shopify route handlers, called as Next.js calls them", () => {
  let emulator: Emulator;
  let infra: Infra;

  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [{ name: "Brandbase", clientId: API_KEY, clientSecret: API_SECRET, redirectUrls: [`${APP_URL}/api/shopify/callback`], scopes: ["read_orders", "read_customers", "write_customers", "read_products"] }],
      shops: [{ domain: SHOP, orders: 5, endAt: Date.UTC(2026, 9, 1) }],
    });
    Object.assign(process.env, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, APP_URL, SHOPIFY_EMULATOR_URL: emulator.url, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    infra = processInfra(); // resets the env cache too
    routeShopifyToEmulator(emulator.url);
    // A brand with the shop connected, so deliveries for it are recorded.
    const owner = await createUser("routes-owner");
    const brand = await callerFor(owner, infra).brands.create({ name: "Routes Brand" });
    await getDb().insert(stores).values({ brandId: brand.id, shopDomain: SHOP, status: "connected" });
  });
  afterAll(async () => {
    await emulator.close();
    await closeInfra();
    for (const k of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_EMULATOR_URL"]) delete process.env[k];
    resetEnvCache();
  });

  describe("POST /api/webhooks/shopify", () => {
    it("checks the HMAC on the raw bytes and records the body as sent", async () => {
      // Spacing and non-ASCII a re-serialization would change: the HMAC only matches the raw bytes.
      const raw = '{ "id" : 5000000000009,\n  "note": "crème brûlée ✓",  "email":"a@example.test" }';
      const req = shopifyRequest("customers/update", raw);
      const res = await webhook(req);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true });
      const [row] = await deliveriesOf(eventIdOf(req));
      expect(row).toMatchObject({ shopDomain: SHOP, topic: "customers/update", payload: { id: 5000000000009, note: "crème brûlée ✓" } });
      expect(await infra.queue.getJob("ingestion", `webhook-${row!.id}`)).toMatchObject({ name: "shopifyWebhook" });
    });

    it("answers 401 to a wrong HMAC and records nothing", async () => {
      const req = shopifyRequest("customers/update", '{"id":1}', { hmacOf: '{"id":2}' });
      const res = await webhook(req);
      expect(res.status).toBe(401);
      expect(await deliveriesOf(eventIdOf(req))).toHaveLength(0);
    });

    it("answers 400 to a signed body that is not JSON", async () => {
      const req = shopifyRequest("customers/update", '{"id":1,');
      const res = await webhook(req);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "Webhook body is not JSON" });
      expect(await deliveriesOf(eventIdOf(req))).toHaveLength(0);
    });

    it("refuses a body declared over 1 MB with 413 without reading it", async () => {
      const { stream, seen } = countingStream(2 * MB);
      const res = await webhook(shopifyRequest("orders/create", stream, { headers: { "content-length": String(2 * MB) } }));
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: "The request body is over the 1 MB limit" });
      expect(seen.bytes).toBeLessThanOrEqual(64 * 1024);
    });

    it("stops reading a chunked body as soon as it passes 1 MB, and answers 413", async () => {
      const { stream, seen } = countingStream(16 * MB);
      const res = await webhook(shopifyRequest("orders/create", stream));
      expect(res.status).toBe(413);
      expect(seen.cancelled).toBe(true);
      expect(seen.bytes).toBeLessThanOrEqual(MB + 64 * 1024);
    });

    it("still accepts a body just under the limit", async () => {
      const raw = JSON.stringify({ id: 7, note: "x".repeat(MB - 100) });
      const req = shopifyRequest("customers/update", raw);
      expect((await webhook(req)).status).toBe(200);
      expect(await deliveriesOf(eventIdOf(req))).toHaveLength(1);
    });

    it.each([
      ["app/uninstalled", { id: 1, name: "Other", domain: "other-shop.myshopify.com", myshopify_domain: "other-shop.myshopify.com" }],
      ["app/uninstalled", { id: 1, domain: "other-shop.myshopify.com" }],
      ["shop/redact", { shop_id: 1, shop_domain: "other-shop.myshopify.com" }],
      ["customers/redact", { shop_domain: "Other-Shop.myshopify.com", customer: { id: 1 }, orders_to_redact: [] }],
    ])("refuses a signed %s body of another shop replayed for ours, and records nothing", async (topic, body) => {
      const req = shopifyRequest(topic, JSON.stringify(body));
      const res = await webhook(req);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: `Webhook body is for other-shop.myshopify.com, but it was delivered for ${SHOP}` });
      expect(await deliveriesOf(eventIdOf(req))).toHaveLength(0);
    });

    it("accepts a body that names its own shop, or only its own primary domain", async () => {
      for (const body of [{ id: 1, domain: "shop.example.com", myshopify_domain: SHOP }, { id: 1, domain: "shop.example.com" }]) {
        const req = shopifyRequest("shop/update", JSON.stringify(body));
        expect((await webhook(req)).status).toBe(200);
        expect(await deliveriesOf(eventIdOf(req))).toHaveLength(1);
      }
    });

    it("stores a body with \\u0000 and a lone surrogate instead of failing (and being retried for 48 hours)", async () => {
      const raw = '{"id":5000000000010,"note":"nul:\\u0000 half:\\ud800 ok:\\ud83d\\ude00","tags\\u0000":"x"}';
      const req = shopifyRequest("shop/update", raw);
      const res = await webhook(req);
      expect(res.status).toBe(200);
      const [row] = await deliveriesOf(eventIdOf(req));
      expect(row!.payload).toEqual({ id: 5000000000010, note: "nul:\uFFFD half:\uFFFD ok:😀", "tags\uFFFD": "x" });
      // A redelivery is the same delivery, not a second failure.
      const again = shopifyRequest("shop/update", raw, { headers: { "x-shopify-event-id": eventIdOf(req) } });
      expect(await (await webhook(again)).json()).toEqual({ duplicate: true });
      // And the worker can take it from there.
      expect(await applyShopifyWebhook({ db: getDb(), log: getLogger() }, { deliveryId: row!.id })).toEqual({ applied: 0, skipped: 1, reason: "No handler for shop/update yet; kept for later" });
      const [after] = await deliveriesOf(eventIdOf(req));
      expect(after!.error).toBe("No handler for shop/update yet; kept for later");
    });
  });

  describe("GET /api/shopify/install and /api/shopify/callback", () => {
    async function ownerWithBrand(label: string) {
      const owner = await createUser(label);
      const brand = await callerFor(owner, infra).brands.create({ name: `Brand ${label}` });
      return { owner, brand, cookie: await sessionCookie(owner.email) };
    }
    const get = (handler: (req: Request) => Promise<Response>, url: string, headers: Record<string, string>) =>
      handler(new Request(url, { headers: { "user-agent": CHROME_UA, ...headers } }));

    it("sends a signed-out visitor to sign in, coming back to the stores page", async () => {
      const res = await get(install, `${APP_URL}/api/shopify/install?brand=some-brand&shop=${SHOP}`, {});
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`${APP_URL}/sign-in?next=%2Fsome-brand%2Fsettings%2Fstores`);
    });

    it("connects a store: install → Shopify's consent page → callback → back on the stores page", async () => {
      const { brand, cookie } = await ownerWithBrand("routes-connect");
      const begin = await get(install, `${APP_URL}/api/shopify/install?brand=${brand.slug}&shop=route-shop`, { cookie });
      expect(begin.status).toBe(302);
      const location = begin.headers.get("location")!;
      expect(location.startsWith(`${emulator.url}/admin/oauth/authorize?`)).toBe(true);
      // Over plain http (APP_URL http, no trusted proxy saying https) our cookie is not Secure: the browser would drop it.
      expect(begin.headers.getSetCookie().find((c) => c.startsWith("bb_shopify_connect="))).not.toMatch(/Secure/i);

      const { callbackUrl } = await approveOnConsentPage(location);
      const done = await get(callback, callbackUrl, { cookie: `${cookie}; ${cookieHeader(begin)}` });
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).toBe(`${APP_URL}/${brand.slug}/settings/stores?connected=${SHOP}`);
      expect(done.headers.get("set-cookie")).toContain("bb_shopify_connect=;");
      const [store] = await getDb().select().from(stores).where(and(eq(stores.brandId, brand.id), eq(stores.shopDomain, SHOP)));
      expect(store).toMatchObject({ status: "connected" });
    });

    it("sends an unknown shop back to the stores page with the reason, not on to Shopify's (emulator's) 404", async () => {
      const { brand, cookie } = await ownerWithBrand("routes-unknown");
      const res = await get(install, `${APP_URL}/api/shopify/install?brand=${brand.slug}&shop=nobody-here`, { cookie });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get("location")!);
      expect(`${to.origin}${to.pathname}`).toBe(`${APP_URL}/${brand.slug}/settings/stores`);
      expect(to.searchParams.get("error")).toBe("There is no Shopify store at nobody-here.myshopify.com. Check the domain (it is in your Shopify admin's address bar).");
      expect(to.searchParams.get("shop")).toBe("nobody-here");
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it("refuses a forged callback with the error page and stores nothing", async () => {
      const { brand, cookie } = await ownerWithBrand("routes-forged");
      const begin = await get(install, `${APP_URL}/api/shopify/install?brand=${brand.slug}&shop=${SHOP}`, { cookie });
      const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
      const forged = new URL(callbackUrl);
      forged.searchParams.set("hmac", "0".repeat(64));
      const res = await get(callback, forged.toString(), { cookie: `${cookie}; ${cookieHeader(begin)}` });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get("location")!);
      expect(to.pathname).toBe("/shopify/error");
      expect(to.searchParams.get("reason")).toMatch(/could not be verified/);
      expect(await getDb().select().from(stores).where(eq(stores.brandId, brand.id))).toHaveLength(0);
    });

    it("marks its cookies Secure when a trusted proxy says the request came over https", async () => {
      const { brand, cookie } = await ownerWithBrand("routes-secure");
      // What our web server writes into the request when TRUST_PROXY hops say X-Forwarded-Proto: https.
      const begin = await get(install, `${APP_URL}/api/shopify/install?brand=${brand.slug}&shop=${SHOP}`, { cookie, "x-forwarded-proto": "https" });
      expect(begin.status).toBe(302);
      const cookies = begin.headers.getSetCookie();
      expect(cookies.find((c) => c.startsWith("bb_shopify_connect="))).toMatch(/; Secure$/);
      expect(cookies.length).toBeGreaterThan(1);
      for (const c of cookies) expect(c).toMatch(/;\s*Secure/i);
    });
  });
});
