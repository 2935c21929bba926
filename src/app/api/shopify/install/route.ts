import { getSessionUser } from "~/server/auth";
import { createDeps } from "~/server/deps";
import { isAppError } from "~/server/errors";
import { withHttp } from "~/server/http";
import { beginStoreConnect } from "~/server/services/stores/connect";

export const dynamic = "force-dynamic";

/** Settings → Stores → Connect: `GET /api/shopify/install?brand=…&shop=…` */
export const GET = withHttp("/api/shopify/install", async (req: Request) => {
  const url = new URL(req.url);
  const brand = url.searchParams.get("brand") ?? "";
  const deps = createDeps();
  // Redirects go to our own origin (APP_URL), never one derived from the request's Host.
  const appUrl = deps.env.APP_URL;
  const user = await getSessionUser(req.headers);
  if (!user) return Response.redirect(new URL(`/sign-in?next=${encodeURIComponent(`/${brand}/settings/stores`)}`, appUrl), 302);
  try {
    return await beginStoreConnect(
      { ...deps, secret: deps.env.BETTER_AUTH_SECRET!, emulatorUrl: deps.env.SHOPIFY_EMULATOR_URL, appUrl: deps.env.APP_URL },
      { userId: user.id, brand, shop: url.searchParams.get("shop") ?? "", request: req },
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const back = new URL(`/${encodeURIComponent(brand)}/settings/stores`, appUrl);
    back.searchParams.set("error", err.message);
    back.searchParams.set("shop", url.searchParams.get("shop") ?? "");
    return Response.redirect(back, 302);
  }
});
