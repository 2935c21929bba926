import { getSessionUser } from "~/server/auth";
import { getDb } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { isAppError } from "~/server/errors";
import { withHttp } from "~/server/http";
import { getInfra } from "~/server/infra";
import { createJobProducer } from "~/server/jobs/queue";
import { getLogger } from "~/server/logger";
import { completeStoreConnect, connectCookie } from "~/server/services/stores/connect";
import { getShopify } from "~/server/shopify/api";
import { getSessionStorage } from "~/server/shopify/session-storage";

export const dynamic = "force-dynamic";

/** Where Shopify sends the owner back after Install. Nothing is stored unless every check passes. */
export const GET = withHttp("/api/shopify/callback", async (req: Request) => {
  const user = await getSessionUser(req.headers);
  if (!user) return Response.redirect(new URL("/sign-in", req.url), 302);
  const env = getEnv();
  const clearCookie = connectCookie("", { maxAgeSeconds: 0, request: req, appUrl: env.APP_URL });
  try {
    const { brandSlug, shop } = await completeStoreConnect(
      {
        db: getDb(),
        shopify: getShopify(),
        secret: env.BETTER_AUTH_SECRET!,
        appUrl: env.APP_URL,
        storage: await getSessionStorage(),
        log: getLogger(),
        jobs: createJobProducer(getInfra().queue),
        pubsub: getInfra().pubsub,
        reconcileEveryMinutes: env.RECONCILE_EVERY_MINUTES,
      },
      { userId: user.id, request: req },
    );
    getLogger().info({ userId: user.id, shop }, "store connected");
    const to = new URL(`/${brandSlug}/settings/stores`, req.url);
    to.searchParams.set("connected", shop);
    return new Response(null, { status: 302, headers: { location: to.toString(), "set-cookie": clearCookie } });
  } catch (err) {
    if (!isAppError(err)) throw err;
    getLogger().warn({ userId: user.id, reason: err.message }, "store connection refused");
    const to = new URL("/shopify/error", req.url);
    to.searchParams.set("reason", err.message);
    return new Response(null, { status: 302, headers: { location: to.toString(), "set-cookie": clearCookie } });
  }
});
