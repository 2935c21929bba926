import { createDeps } from "~/server/deps";
import { isAppError } from "~/server/errors";
import { withHttp } from "~/server/http";
import { getLogger } from "~/server/logger";
import { readBodyWithin } from "~/server/read-body";
import { receiveShopifyWebhook, WEBHOOK_MAX_BYTES } from "~/server/services/webhooks/receive";

export const dynamic = "force-dynamic";

/** Every Shopify webhook lands here (the raw body is what the HMAC covers). */
export const POST = withHttp("/api/webhooks/shopify", async (req: Request) => {
  let rawBody: string;
  try {
    rawBody = await readBodyWithin(req, WEBHOOK_MAX_BYTES);
  } catch (err) {
    if (isAppError(err) && err.code === "PAYLOAD_TOO_LARGE") return Response.json({ error: err.message }, { status: 413 });
    throw err;
  }
  const answer = await receiveShopifyWebhook(
    createDeps({ log: getLogger().child({ route: "webhooks" }) }),
    { request: req, rawBody },
  );
  return Response.json(answer.body, { status: answer.status });
});
