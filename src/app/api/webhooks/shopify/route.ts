import { getDb } from "~/server/db/client";
import { withHttp } from "~/server/http";
import { getInfra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { receiveShopifyWebhook } from "~/server/services/webhooks/receive";
import { getShopify } from "~/server/shopify/api";

export const dynamic = "force-dynamic";

/** Every Shopify webhook lands here (the raw body is what the HMAC covers). */
export const POST = withHttp("/api/webhooks/shopify", async (req: Request) => {
  const rawBody = await req.text();
  const answer = await receiveShopifyWebhook(
    { db: getDb(), shopify: getShopify(), jobs: createJobProducer(getInfra().queue), log: getLogger().child({ route: "webhooks" }) },
    { request: req, rawBody },
  );
  return Response.json(answer.body, { status: answer.status });
});
