import { createDeps } from "~/server/deps";
import { withHttp } from "~/server/http";
import { getLogger } from "~/server/logger";
import { receiveShopifyWebhook } from "~/server/services/webhooks/receive";

export const dynamic = "force-dynamic";

/** Every Shopify webhook lands here (the raw body is what the HMAC covers). */
export const POST = withHttp("/api/webhooks/shopify", async (req: Request) => {
  const rawBody = await req.text();
  const answer = await receiveShopifyWebhook(
    createDeps({ log: getLogger().child({ route: "webhooks" }) }),
    { request: req, rawBody },
  );
  return Response.json(answer.body, { status: answer.status });
});
