import { getSessionUser } from "~/server/auth";
import { createDeps } from "~/server/deps";
import { isAppError } from "~/server/errors";
import { withHttp } from "~/server/http";
import { completeStoreConnect, connectCookie } from "~/server/services/stores/connect";

export const dynamic = "force-dynamic";

/** Where Shopify sends the owner back after Install. Nothing is stored unless every check passes. */
export const GET = withHttp("/api/shopify/callback", async (req: Request) => {
  const deps = createDeps();
  // Redirects go to our own origin (APP_URL), never one derived from the request's Host.
  const appUrl = deps.env.APP_URL;
  const user = await getSessionUser(req.headers);
  if (!user) return Response.redirect(new URL("/sign-in", appUrl), 302);
  const clearCookie = connectCookie("", { maxAgeSeconds: 0, request: req, appUrl: deps.env.APP_URL });
  try {
    const { brandSlug, shop } = await completeStoreConnect(
      { ...deps, secret: deps.env.BETTER_AUTH_SECRET!, appUrl: deps.env.APP_URL, reconcileEveryMinutes: deps.env.RECONCILE_EVERY_MINUTES },
      { userId: user.id, request: req },
    );
    deps.log.info({ userId: user.id, shop }, "store connected");
    const to = new URL(`/${brandSlug}/settings/stores`, appUrl);
    to.searchParams.set("connected", shop);
    return new Response(null, { status: 302, headers: { location: to.toString(), "set-cookie": clearCookie } });
  } catch (err) {
    if (!isAppError(err)) throw err;
    deps.log.warn({ userId: user.id, reason: err.message }, "store connection refused");
    const to = new URL("/shopify/error", appUrl);
    to.searchParams.set("reason", err.message);
    return new Response(null, { status: 302, headers: { location: to.toString(), "set-cookie": clearCookie } });
  }
});
