import { getSessionUser } from "~/server/auth";
import { createDeps } from "~/server/deps";
import { isAppError } from "~/server/errors";
import { withHttp } from "~/server/http";
import { CONNECT_COOKIE, completeStoreConnect } from "~/server/services/stores/connect";

export const dynamic = "force-dynamic";

const clearCookie = `${CONNECT_COOKIE}=; Path=/api/shopify; HttpOnly; SameSite=Lax; Max-Age=0`;

/** Where Shopify sends the owner back after Install. Nothing is stored unless every check passes. */
export const GET = withHttp("/api/shopify/callback", async (req: Request) => {
  const user = await getSessionUser(req.headers);
  if (!user) return Response.redirect(new URL("/sign-in", req.url), 302);
  const deps = createDeps();
  try {
    const { brandSlug, shop } = await completeStoreConnect(
      { ...deps, secret: deps.env.BETTER_AUTH_SECRET!, reconcileEveryMinutes: deps.env.RECONCILE_EVERY_MINUTES },
      { userId: user.id, request: req },
    );
    deps.log.info({ userId: user.id, shop }, "store connected");
    const to = new URL(`/${brandSlug}/settings/stores`, req.url);
    to.searchParams.set("connected", shop);
    return new Response(null, { status: 302, headers: { location: to.toString(), "set-cookie": clearCookie } });
  } catch (err) {
    if (!isAppError(err)) throw err;
    deps.log.warn({ userId: user.id, reason: err.message }, "store connection refused");
    const to = new URL("/shopify/error", req.url);
    to.searchParams.set("reason", err.message);
    return new Response(null, { status: 302, headers: { location: to.toString(), "set-cookie": clearCookie } });
  }
});
