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
/** Shopify no longer accepts the store's access: it shows as "needs re-authorization" (banner, reconnect) and the caller stops. */
export async function markNeedsReauth(deps: { db: Db }, input: { store: { id: string; shopDomain: string }; why: string }): Promise<never> {
  await deps.db.update(stores).set({ status: "needs_reauth", statusChangedAt: new Date() }).where(eq(stores.id, input.store.id));
  throw new AppError("CONFLICT", `${input.store.shopDomain} needs to be re-authorized: ${input.why}`);
}

/** The store, if it is connected (an uninstalled, disconnected or re-authorization-needing one is a CONFLICT). */
export async function requireConnectedStore(deps: { db: Db }, input: { storeId: string }) {
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, input.storeId));
  if (!store) throw new AppError("NOT_FOUND", "No such store");
  if (store.status !== "connected") throw new AppError("CONFLICT", `The store is ${store.status.replace("_", " ")}`);
  return store;
}

export async function loadStoreSession(deps: { db: Db; shopify: Shopify; storage: SessionStorage }, input: { storeId: string }) {
  const store = await requireConnectedStore(deps, input);
  const needsReauth = (why: string) => markNeedsReauth(deps, { store, why });
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
