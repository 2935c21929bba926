import { createDeps } from "~/server/deps";
import { withHttp } from "~/server/http";
import { getLogger } from "~/server/logger";
import { readBodyWithin } from "~/server/read-body";
import { receiveShopifyWebhook, WEBHOOK_MAX_BYTES } from "~/server/services/webhooks/receive";

export const dynamic = "force-dynamic";

/** Every Shopify webhook lands here (the raw body is what the HMAC covers; over the limit: 413 before it is read whole). */
export const POST = withHttp("/api/webhooks/shopify", async (req: Request) => {
  const rawBody = await readBodyWithin(req, WEBHOOK_MAX_BYTES);
  const answer = await receiveShopifyWebhook(createDeps({ log: getLogger().child({ route: "webhooks" }) }), { headers: req.headers, rawBody });
  return Response.json(answer.body, { status: answer.status });
});
