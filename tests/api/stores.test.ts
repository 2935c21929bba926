import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "~/emulator";
import { getDb, getSql } from "~/server/db/client";
import { resetEnvCache } from "~/server/env";
import type { Infra } from "~/server/infra";
import { beginStoreConnect, completeStoreConnect, shopIsUnknown } from "~/server/services/stores/connect";
import { getShopify } from "~/server/shopify/api";
import { routeShopifyToEmulator } from "~/server/shopify/routing";
import { getSessionStorage } from "~/server/shopify/session-storage";
import { approveOnConsentPage, CHROME_UA, cookieHeader, webhookReceiver } from "../emulator/harness";
import { callerFor, createUser, servicesReady, testInfra } from "../helpers/context";

const API_KEY = "connect-test-app";
const API_SECRET = "connect-test-secret-0123456789";
/** The app's address as Shopify knows it: this file's own receiver (set in beforeAll). */
let APP_URL = "";

describe.skipIf(!servicesReady)("connecting a Shopify store", () => {
  let emulator: Emulator;
  let infra: Infra;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  const secret = "integration-tests-secret-0123456789abcdef";

  beforeAll(async () => {
    // Connecting subscribes the store's webhooks to APP_URL: whatever Shopify sends lands here.
    receiver = await webhookReceiver();
    APP_URL = new URL(receiver.url).origin;
    Object.assign(process.env, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, APP_URL, TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    resetEnvCache();
    emulator = await startEmulator({
      apps: [{ name: "Brandbase", clientId: API_KEY, clientSecret: API_SECRET, redirectUrls: [`${APP_URL}/api/shopify/callback`], scopes: ["read_orders", "read_customers", "write_customers", "read_products"] }],
      shops: [{ domain: "connect-shop", orders: 50, endAt: Date.UTC(2026, 9, 1) }],
    });
    routeShopifyToEmulator(emulator.url);
    infra = testInfra();
  });
  afterAll(async () => {
    await emulator.close();
    await infra.close();
    await receiver.close();
  });

  async function ownerWithBrand() {
    const owner = await createUser("store-owner");
    const brand = await callerFor(owner, infra).brands.create({ name: "Connect Brand" });
    return { owner, brand };
  }

  const deps = async () => ({ db: getDb(), shopify: getShopify(), secret, emulatorUrl: emulator.url, storage: await getSessionStorage() });

  /** The owner's browser: install link → consent page → Install → back at our callback. */
  async function connect(userId: string, brand: string, shop = "connect-shop") {
    const request = new Request(`${APP_URL}/api/shopify/install?brand=${brand}&shop=${shop}`, { headers: { "user-agent": CHROME_UA } });
    const begin = await beginStoreConnect(await deps(), { userId, brand, shop, request });
    expect(begin.status).toBe(302);
    expect(begin.headers.get("location")!.startsWith(emulator.url)).toBe(true);
    const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
    return { callbackUrl, cookies: cookieHeader(begin) };
  }

  it("stores the session with tokens encrypted at rest, and the store as connected", async () => {
    const { owner, brand } = await ownerWithBrand();
    const { callbackUrl, cookies } = await connect(owner.id, brand.slug);
    const result = await completeStoreConnect(await deps(), { userId: owner.id, request: new Request(callbackUrl, { headers: { cookie: cookies, "user-agent": CHROME_UA } }) });
    expect(result).toEqual({ brandSlug: brand.slug, shop: "connect-shop.myshopify.com" });

    const [row] = await getSql()`select access_token, refresh_token, expires from shopify_session where shop = 'connect-shop.myshopify.com'`;
    expect(row!.access_token).toMatch(/^v1:/);
    expect(row!.access_token).not.toContain("shpat_");
    expect(row!.refresh_token).toMatch(/^v1:/);
    expect(row!.expires).not.toBeNull();
    const session = await (await getSessionStorage()).loadSession("offline_connect-shop.myshopify.com");
    expect(session!.accessToken).toMatch(/^shpat_/);
    expect(session!.refreshToken).toMatch(/^shprt_/);

    const list = await callerFor(owner, infra).stores.list({ brand: brand.slug });
    expect(list.stores).toMatchObject([{ shopDomain: "connect-shop.myshopify.com", status: "connected" }]);
  });

  it("rejects a forged callback and stores nothing", async () => {
    const { owner, brand } = await ownerWithBrand();
    await getSql()`delete from shopify_session where shop = 'connect-shop.myshopify.com'`;
    const { callbackUrl, cookies } = await connect(owner.id, brand.slug);
    const forged = new URL(callbackUrl);
    forged.searchParams.set("code", "forged-code");
    await expect(
      completeStoreConnect(await deps(), { userId: owner.id, request: new Request(forged, { headers: { cookie: cookies, "user-agent": CHROME_UA } }) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("could not be verified") });
    const sessions = await getSql()`select id from shopify_session where shop = 'connect-shop.myshopify.com'`;
    expect(sessions).toHaveLength(0);
    expect((await callerFor(owner, infra).stores.list({ brand: brand.slug })).stores).toEqual([]);
  });

  it("lets only owners connect, and explains a bad shop domain", async () => {
    const { owner, brand } = await ownerWithBrand();
    const analyst = await createUser("store-analyst");
    const invite = await callerFor(owner, infra).members.invite({ brand: brand.slug, email: analyst.email, role: "admin" });
    await callerFor(analyst, infra).invitations.accept({ token: invite.url.split("/").pop()! });
    const request = new Request(`${APP_URL}/api/shopify/install`, { headers: { "user-agent": CHROME_UA } });
    await expect(beginStoreConnect(await deps(), { userId: analyst.id, brand: brand.slug, shop: "connect-shop", request })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(beginStoreConnect(await deps(), { userId: owner.id, brand: brand.slug, shop: "not a shop!", request })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      fields: { shop: expect.stringContaining("your-store.myshopify.com") },
    });
  });

  it("refuses a shop Shopify does not know before sending the owner there, and only on a definite 404", async () => {
    const { owner, brand } = await ownerWithBrand();
    const request = new Request(`${APP_URL}/api/shopify/install`, { headers: { "user-agent": CHROME_UA } });
    await expect(beginStoreConnect(await deps(), { userId: owner.id, brand: brand.slug, shop: "no-such-shop-anywhere", request })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("There is no Shopify store at no-such-shop-anywhere.myshopify.com"),
      fields: { shop: expect.stringContaining("no-such-shop-anywhere.myshopify.com") },
    });
    // The shop that exists (through the same routing) is not refused.
    expect(await shopIsUnknown("connect-shop.myshopify.com")).toBe(false);
    // Real Shopify: a redirect to the login is an existing shop; no answer at all is not proof either.
    expect(await shopIsUnknown("x.myshopify.com", async () => new Response(null, { status: 302, headers: { location: "https://accounts.shopify.com/" } }))).toBe(false);
    expect(await shopIsUnknown("x.myshopify.com", async () => Promise.reject(new TypeError("fetch failed")))).toBe(false);
    expect(await shopIsUnknown("x.myshopify.com", async () => new Response("Sorry, this store is currently unavailable.", { status: 404 }))).toBe(true);
  });

  it("disconnects: the store reads disconnected and its tokens are gone", async () => {
    const { owner, brand } = await ownerWithBrand();
    const { callbackUrl, cookies } = await connect(owner.id, brand.slug);
    await completeStoreConnect(await deps(), { userId: owner.id, request: new Request(callbackUrl, { headers: { cookie: cookies, "user-agent": CHROME_UA } }) });
    // Other brands connected to the same shop earlier in this file share its session: disconnect them first.
    await getSql()`update stores set status = 'disconnected' where shop_domain = 'connect-shop.myshopify.com' and brand_id <> ${(await callerFor(owner, infra).brands.get({ brand: brand.slug })).id}`;
    const caller = callerFor(owner, infra);
    const [store] = (await caller.stores.list({ brand: brand.slug })).stores;
    await caller.stores.disconnect({ brand: brand.slug, storeId: store!.id });
    expect((await caller.stores.list({ brand: brand.slug })).stores[0]!.status).toBe("disconnected");
    expect(await (await getSessionStorage()).loadSession("offline_connect-shop.myshopify.com")).toBeUndefined();
  });
});
