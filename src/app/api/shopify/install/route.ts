import { getSessionUser } from "~/server/auth";
import { getDb } from "~/server/db/client";
import { getEnv } from "~/server/env";
import { isAppError } from "~/server/errors";
import { withHttp } from "~/server/http";
import { beginStoreConnect } from "~/server/services/stores/connect";
import { getShopify } from "~/server/shopify/api";

export const dynamic = "force-dynamic";

/** Settings → Stores → Connect: `GET /api/shopify/install?brand=…&shop=…` */
export const GET = withHttp("/api/shopify/install", async (req: Request) => {
  const url = new URL(req.url);
  const brand = url.searchParams.get("brand") ?? "";
  const user = await getSessionUser(req.headers);
  if (!user) return Response.redirect(new URL(`/sign-in?next=${encodeURIComponent(`/${brand}/settings/stores`)}`, req.url), 302);
  const env = getEnv();
  try {
    return await beginStoreConnect(
      { db: getDb(), shopify: getShopify(), secret: env.BETTER_AUTH_SECRET!, emulatorUrl: env.SHOPIFY_EMULATOR_URL, appUrl: env.APP_URL },
      { userId: user.id, brand, shop: url.searchParams.get("shop") ?? "", request: req },
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const back = new URL(`/${encodeURIComponent(brand)}/settings/stores`, req.url);
    back.searchParams.set("error", err.message);
    back.searchParams.set("shop", url.searchParams.get("shop") ?? "");
    return Response.redirect(back, 302);
  }
});
