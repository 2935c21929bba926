import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "~/emulator";
import { browserShopifyUrl } from "~/server/shopify/routing";
import { approveOnConsentPage, beginOAuth, CHROME_UA, CLIENT_ID, cookieHeader, installApp, makeShopify, SHOP, startHarness } from "./harness";

describe("emulator OAuth, driven by @shopify/shopify-api", () => {
  let emulator: Emulator;
  const shopify = makeShopify();
  beforeAll(async () => {
    emulator = await startHarness();
  });
  afterAll(() => emulator.close());

  it("installs with an offline token: consent page, signed callback, token exchange", async () => {
    const { session, consentHtml } = await installApp(shopify);
    expect(consentHtml).toContain("Install Contract App");
    expect(consentHtml).toContain(SHOP);
    // The library asks for the smallest scope list (write_x implies read_x).
    expect(consentHtml).toContain("View and edit orders");
    expect(consentHtml).toContain("(write_orders)");
    expect(session).toMatchObject({ shop: SHOP, isOnline: false, id: `offline_${SHOP}` });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.expires).toBeUndefined();
    expect(session.scope).toBe("write_orders,write_customers,read_products");
    expect(session.isScopeIncluded(["read_orders", "read_customers"])).toBe(true);
  });

  it("installs with an online token carrying the associated user", async () => {
    const { session } = await installApp(shopify, { online: true });
    expect(session.isOnline).toBe(true);
    expect(session.accessToken).toMatch(/^shpua_/);
    expect(session.onlineAccessInfo?.associated_user).toMatchObject({ email: `staff@${SHOP}`, account_owner: true });
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);
  });

  it("issues expiring offline tokens that refresh, rotating the refresh token", async () => {
    const { session } = await installApp(shopify, { expiring: true });
    expect(session.expires!.getTime() - Date.now()).toBeGreaterThan(3_500_000);
    expect(session.refreshToken).toMatch(/^shprt_/);
    const { session: refreshed } = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);
    // The new token works; the used refresh token does not work twice.
    const client = new shopify.clients.Graphql({ session: refreshed });
    const { data } = await client.request<{ shop: { myshopifyDomain: string } }>("{ shop { myshopifyDomain } }");
    expect(data?.shop.myshopifyDomain).toBe(SHOP);
    await expect(shopify.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! })).rejects.toMatchObject({
      response: { code: 400, body: { error: "invalid_grant" } },
    });
  });

  it("rejects a callback whose HMAC was tampered with", async () => {
    const begin = await beginOAuth(shopify);
    const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
    const forged = new URL(callbackUrl);
    forged.searchParams.set("shop", "other-shop.myshopify.com");
    await expect(
      shopify.auth.callback({ rawRequest: new Request(forged, { headers: { cookie: cookieHeader(begin), "user-agent": CHROME_UA } }) }),
    ).rejects.toThrow(/Invalid OAuth callback/);
  });

  it("answers Shopify-shaped 400s to a reused code and a wrong secret", async () => {
    const begin = await beginOAuth(shopify);
    const { callbackUrl } = await approveOnConsentPage(begin.headers.get("location")!);
    const code = new URL(callbackUrl).searchParams.get("code");
    const exchange = (secret: string) =>
      fetch(`https://${SHOP}/admin/oauth/access_token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: CLIENT_ID, client_secret: secret, code }),
      });
    const wrong = await exchange("nope");
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    expect((await exchange("contract-secret-0123456789")).status).toBe(200);
    const reused = await exchange("contract-secret-0123456789");
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: "invalid_request", error_description: "The authorization code was already used" });
  });

  it("refuses a redirect_uri the app did not register, on an error page", async () => {
    const res = await fetch(`https://${SHOP}/admin/oauth/authorize?client_id=${CLIENT_ID}&scope=read_orders&redirect_uri=https://evil.test/cb&state=x`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("The redirect_uri is not whitelisted");
  });

  it("serves the consent page to a browser at the emulator's own address", async () => {
    const begin = await beginOAuth(shopify);
    const browserUrl = browserShopifyUrl(begin.headers.get("location")!, emulator.url);
    expect(browserUrl.startsWith(emulator.url)).toBe(true);
    const { callbackUrl } = await approveOnConsentPage(browserUrl);
    const { session } = await shopify.auth.callback({
      rawRequest: new Request(callbackUrl, { headers: { cookie: cookieHeader(begin), "user-agent": CHROME_UA } }),
    });
    expect(session.accessToken).toMatch(/^shpat_/);
  });

  it("stops accepting tokens once they are revoked", async () => {
    const { session } = await installApp(shopify);
    await fetch(`${emulator.url}/_emulator/shops/${SHOP}/tokens/revoke`, { method: "POST" });
    const client = new shopify.clients.Graphql({ session });
    await expect(client.request("{ shop { name } }")).rejects.toMatchObject({ response: { code: 401 } });
  });
});
