import { createHmac, timingSafeEqual } from "node:crypto";

/** What a delivery's headers are read through: a web `Headers`, or node:http's headers behind `get`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The headers every Shopify webhook delivery carries (besides the optional triggered-at, event id, name). */
const REQUIRED = ["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-shop-domain", "x-shopify-api-version", "x-shopify-webhook-id"] as const;

export type WebhookSignatureCheck =
  | { valid: true; domain: string; topic: string; apiVersion: string; webhookId: string }
  | { valid: false; reason: "missing_body" | "missing_headers" | "invalid_hmac"; missingHeaders?: string[] };

/**
 * Shopify's webhook check: the base64 HMAC-SHA256 of the raw body under the app's secret, compared
 * in constant time, then the headers a delivery must have — the same rules as
 * `shopify.webhooks.validate`, whose Web Crypto key import per call cost about 330 µs of CPU per
 * delivery here (node:crypto: about 15 µs), the largest share of the webhook path's cost
 * (docs/decisions.md, "Webhook verification on node:crypto").
 */
export function checkWebhookSignature(secret: string, rawBody: string, headers: HeaderReader): WebhookSignatureCheck {
  if (!rawBody.length) return { valid: false, reason: "missing_body" };
  const sent = headers.get("x-shopify-hmac-sha256");
  if (!sent) return { valid: false, reason: "missing_headers", missingHeaders: ["x-shopify-hmac-sha256"] };
  // Compared as the base64 text Shopify sends (decoding would accept other spellings of it).
  const expected = Buffer.from(createHmac("sha256", secret).update(rawBody, "utf8").digest("base64"));
  const given = Buffer.from(sent);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: "invalid_hmac" };
  const missingHeaders = REQUIRED.filter((name) => !headers.get(name));
  if (missingHeaders.length) return { valid: false, reason: "missing_headers", missingHeaders };
  return {
    valid: true,
    domain: headers.get("x-shopify-shop-domain")!,
    topic: headers.get("x-shopify-topic")!,
    apiVersion: headers.get("x-shopify-api-version")!,
    webhookId: headers.get("x-shopify-webhook-id")!,
  };
}

/** node:http's incoming headers (lower-cased names; a repeated header is not a string and reads as absent). */
export function nodeHeaderReader(headers: Record<string, string | string[] | undefined>): HeaderReader {
  return { get: (name) => (typeof headers[name] === "string" ? (headers[name] as string) : null) };
}
