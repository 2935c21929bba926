import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db/client";
import type { JobProducer } from "../jobs/queue";
import type { Logger } from "../logger";
import { receiveShopifyWebhook, type VerifiedDelivery, WEBHOOK_MAX_BYTES, type WebhookAnswer } from "../services/webhooks/receive";
import type { Shopify } from "../shopify/api";
import { nodeHeaderReader } from "../shopify/webhook-signature";

export const WEBHOOK_PATH = "/api/webhooks/shopify";

/**
 * Shopify's webhooks on the lean path: the same service as the Next.js route
 * (src/app/api/webhooks/shopify/route.ts) — HMAC first, commit, answer, queue — called from
 * node:http without the framework's per-request cost, and recorded with group commit (`recorder`),
 * so a flash sale's deliveries are absorbed.
 */
export function handleShopifyWebhook(
  deps: { db: Db; shopify: Shopify; jobs: JobProducer; log: Logger; recorder: (delivery: VerifiedDelivery) => Promise<WebhookAnswer> },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const answer = (status: number, body: Record<string, unknown>) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
    res.end(text);
  };
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > WEBHOOK_MAX_BYTES) {
    req.resume();
    return answer(413, { error: "The request body is over the 1 MB limit" });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    total += chunk.length;
    if (total > WEBHOOK_MAX_BYTES && !refused) {
      refused = true;
      answer(413, { error: "The request body is over the 1 MB limit" });
    }
    if (!refused) chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    const rawBody = Buffer.concat(chunks, total).toString("utf8");
    receiveShopifyWebhook(deps, { headers: nodeHeaderReader(req.headers), rawBody }).then(
      (a) => answer(a.status, a.body),
      (err: unknown) => {
        deps.log.error({ err }, "webhook: request failed");
        // Not recorded: Shopify retries the delivery.
        if (!res.headersSent) answer(500, { error: "Internal error" });
      },
    );
  });
}
