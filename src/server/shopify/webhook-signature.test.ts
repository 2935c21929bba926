import "@shopify/shopify-api/adapters/web-api";
import { createHmac, randomUUID } from "node:crypto";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { checkWebhookSignature } from "./webhook-signature";

const SECRET = "signature-test-secret";
const body = JSON.stringify({ id: 820982911946, email: "buyer@example.com", note: "ünïcødé ✓" });
const sign = (text: string, secret = SECRET) => createHmac("sha256", secret).update(text).digest("base64");

function headersFor(text: string, overrides: Record<string, string | null> = {}): Headers {
  const headers = new Headers({
    "x-shopify-hmac-sha256": sign(text),
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": "sig-shop.myshopify.com",
    "x-shopify-api-version": "2026-10",
    "x-shopify-webhook-id": randomUUID(),
  });
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return headers;
}

/** The library's own check, to hold ours to the same verdicts. */
const shopify = shopifyApi({ apiKey: "key", apiSecretKey: SECRET, scopes: [], hostName: "app.example", apiVersion: ApiVersion.October26, isEmbeddedApp: false, logger: { level: LogSeverity.Error } });
const libraryVerdict = async (text: string, headers: Headers) => (await shopify.webhooks.validate({ rawBody: text, rawRequest: new Request("https://app.example/hook", { method: "POST", headers }) })).valid;

describe("Shopify webhook signature (node:crypto)", () => {
  it("accepts a delivery signed with the app's secret and reads its headers", async () => {
    const headers = headersFor(body);
    const check = checkWebhookSignature(SECRET, body, headers);
    expect(check).toEqual({ valid: true, domain: "sig-shop.myshopify.com", topic: "orders/create", apiVersion: "2026-10", webhookId: headers.get("x-shopify-webhook-id") });
    expect(await libraryVerdict(body, headers)).toBe(true);
  });

  it("refuses what the library refuses: a changed body, another secret, a re-spelled signature, a missing header, an empty body", async () => {
    const cases: [string, string, Headers, string][] = [
      ["changed body", body.replace("buyer@", "thief@"), headersFor(body), "invalid_hmac"],
      ["other secret", body, headersFor(body, { "x-shopify-hmac-sha256": sign(body, "another-secret") }), "invalid_hmac"],
      ["signature without padding", body, headersFor(body, { "x-shopify-hmac-sha256": sign(body).replace(/=+$/, "") }), "invalid_hmac"],
      ["no signature", body, headersFor(body, { "x-shopify-hmac-sha256": null }), "missing_headers"],
      ["no topic", body, headersFor(body, { "x-shopify-topic": null }), "missing_headers"],
      ["no webhook id", body, headersFor(body, { "x-shopify-webhook-id": null }), "missing_headers"],
      ["empty body", "", headersFor(""), "missing_body"],
    ];
    for (const [label, text, headers, reason] of cases) {
      const check = checkWebhookSignature(SECRET, text, headers);
      expect({ label, valid: check.valid, reason: check.valid ? null : check.reason }).toEqual({ label, valid: false, reason });
      expect({ label, library: await libraryVerdict(text, headers) }).toEqual({ label, library: false });
    }
  });

  it("names the missing headers", () => {
    const check = checkWebhookSignature(SECRET, body, headersFor(body, { "x-shopify-shop-domain": null, "x-shopify-api-version": null }));
    expect(check).toEqual({ valid: false, reason: "missing_headers", missingHeaders: ["x-shopify-shop-domain", "x-shopify-api-version"] });
  });
});
