import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores } from "../../db/schema";
import { AppError } from "../../errors";
import type { Shopify } from "../../shopify/api";

/** Refresh this long before an expiring token runs out. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * A connected store with a usable session: refreshed (and stored again, encrypted) when its token
 * is about to expire. A store without a usable session is marked "needs re-authorization".
 */
export async function loadStoreSession(deps: { db: Db; shopify: Shopify; storage: SessionStorage }, input: { storeId: string }) {
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, input.storeId));
  if (!store) throw new AppError("NOT_FOUND", "No such store");
  if (store.status !== "connected") throw new AppError("CONFLICT", `The store is ${store.status.replace("_", " ")}`);
  const needsReauth = async (why: string): Promise<never> => {
    await deps.db.update(stores).set({ status: "needs_reauth", statusChangedAt: new Date() }).where(eq(stores.id, store.id));
    throw new AppError("CONFLICT", `${store.shopDomain} needs to be re-authorized: ${why}`);
  };
  let session: Session | undefined = store.sessionId ? await deps.storage.loadSession(store.sessionId) : undefined;
  if (!session?.accessToken) return needsReauth("no access token is stored");
  if (session.expires && session.expires.getTime() - Date.now() < REFRESH_MARGIN_MS) {
    if (!session.refreshToken) return needsReauth("the access token expired and there is no refresh token");
    try {
      ({ session } = await deps.shopify.auth.refreshToken({ shop: store.shopDomain, refreshToken: session.refreshToken }));
    } catch (err) {
      return needsReauth(`Shopify refused the refresh (${(err as Error).message})`);
    }
    await deps.storage.storeSession(session);
  }
  return { store, session };
}
