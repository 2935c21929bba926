import { request as httpRequest } from "node:http";
import type { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "~/emulator";
import { CLIENT_ID, installApp, makeShopify, SHOP, startHarness } from "./harness";

/** A raw HTTP request to the emulator, with whatever Host and headers a browser or an attacker's page would send. */
function raw(emulator: Emulator, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const { port } = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the emulator's control API only takes JSON from local tools", () => {
  let emulator: Emulator;
  let session: Session;
  let host: string;
  const shopify = makeShopify();
  const customers = () => emulator.state.shop(SHOP)!.store.customerCount;

  beforeAll(async () => {
    emulator = await startHarness({ allowedHosts: ["emulator.test"] });
    host = new URL(emulator.url).host;
    ({ session } = await installApp(shopify));
  });
  afterAll(() => emulator.close());

  it("refuses a form post, as an HTML form on any web page could send it, naming the content type it needs", async () => {
    const before = customers();
    const res = await raw(emulator, "POST", `/_emulator/shops/${SHOP}/customers`, { host, "content-type": "application/x-www-form-urlencoded" }, "email=intruder%40example.com&lastName=Intruder");
    expect(res.status).toBe(415);
    expect(res.json.error).toContain("Content-Type: application/json");
    expect(customers()).toBe(before);
  });

  it("refuses JSON text sent as text/plain or multipart (what a page's no-preflight fetch can send)", async () => {
    const before = customers();
    for (const type of ["text/plain", "multipart/form-data; boundary=x"]) {
      const res = await raw(emulator, "POST", `/_emulator/shops/${SHOP}/customers`, { host, "content-type": type }, JSON.stringify({ email: "intruder@example.com" }));
      expect(res.status).toBe(415);
      expect(res.json.error).toContain(`got "${type}"`);
    }
    expect(customers()).toBe(before);
  });

  it("refuses a cross-origin request even without a body", async () => {
    const res = await raw(emulator, "POST", `/_emulator/shops/${SHOP}/tokens/revoke`, { host, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.json.error).toContain("Origin https://evil.example");
    // The app's token still works.
    const { data } = await new shopify.clients.Graphql({ session }).request<{ shop: { name: string } }>("{ shop { name } }");
    expect(data!.shop.name).toBeTruthy();
  });

  it("refuses a Host header that is not its own (DNS rebinding), for reads and writes", async () => {
    const read = await raw(emulator, "GET", `/_emulator/shops/${SHOP}/truth`, { host: `evil.example:${new URL(emulator.url).port}` });
    expect(read.status).toBe(403);
    expect(read.json.error).toContain(`Host "evil.example:${new URL(emulator.url).port}"`);
    expect(read.json).not.toHaveProperty("counts");
    const write = await raw(emulator, "PUT", `/_emulator/shops/${SHOP}/faults`, { host: "evil.example", "content-type": "application/json" }, JSON.stringify({ serverErrorRate: 1 }));
    expect(write.status).toBe(403);
    expect(emulator.state.shop(SHOP)!.faults.serverErrorRate).toBe(0);
    expect((await raw(emulator, "GET", "/", { host: "evil.example" })).status).toBe(403);
  });

  it("answers to its loopback names and the names it was given, JSON bodies included", async () => {
    const { port } = new URL(emulator.url);
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `emulator.test:${port}`]) {
      const res = await raw(emulator, "GET", `/_emulator/shops/${SHOP}/truth`, { host: name });
      expect(res.status, name).toBe(200);
      expect(res.json).toHaveProperty("counts");
    }
    const created = await raw(emulator, "POST", `/_emulator/shops/${SHOP}/customers`, { host, "content-type": "application/json; charset=utf-8", origin: emulator.url }, JSON.stringify({ lastName: "Local" }));
    expect(created.status).toBe(201);
    expect((await raw(emulator, "POST", `/_emulator/shops/${SHOP}/tokens`, { host, "content-type": "application/json" }, "[1]")).status).toBe(400);
  });

  it("leaves Shopify's own routes as Shopify has them: the consent form post and Admin GraphQL by shop host", async () => {
    // installApp (above) posted the consent form, form-encoded, as a browser does. GraphQL by the shop's host:
    const res = await raw(emulator, "POST", "/admin/api/2026-10/graphql.json", { host: SHOP, "content-type": "application/json", "x-shopify-access-token": session.accessToken! }, JSON.stringify({ query: "{ shop { myshopifyDomain } }" }));
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ shop: { myshopifyDomain: SHOP } });
    const token = await raw(emulator, "POST", "/admin/oauth/access_token", { host: SHOP, "content-type": "application/x-www-form-urlencoded" }, `client_id=${CLIENT_ID}&client_secret=wrong&code=nope`);
    expect(token.status).toBe(400); // answered by the OAuth endpoint (form bodies accepted), not refused as a control call
    expect(token.json.error).toBe("invalid_client");
  });
});
