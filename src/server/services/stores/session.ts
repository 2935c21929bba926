import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { getInfra } from "../../infra";
import type { LockPort } from "../../infra/lock/port";
import { stores } from "../../db/schema";
import { AppError } from "../../errors";
import { mayBecome } from "./status-rules";
import type { Shopify } from "../../shopify/api";

/** Refresh this long before an expiring token runs out. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * A connected store with a usable session: refreshed (and stored again, encrypted) when its token
 * is about to expire. A store without a usable session is marked "needs re-authorization".
 */
/** Shopify no longer accepts the store's access: it shows as "needs re-authorization" (banner, reconnect) and the caller stops. */
export async function markNeedsReauth(deps: { db: Db }, input: { store: { id: string; shopDomain: string }; why: string }): Promise<never> {
  // An uninstalled or disconnected store keeps its state (mayBecome): the 401 is explained by it.
  await deps.db.update(stores).set({ status: "needs_reauth", statusChangedAt: new Date() }).where(and(eq(stores.id, input.store.id), mayBecome("needs_reauth")));
  throw new AppError("CONFLICT", `${input.store.shopDomain} needs to be re-authorized: ${input.why}`);
}

/** The store, if it is connected (an uninstalled, disconnected or re-authorization-needing one is a CONFLICT). */
export async function requireConnectedStore(deps: { db: Db }, input: { storeId: string }) {
  const [store] = await deps.db.select().from(stores).where(eq(stores.id, input.storeId));
  if (!store) throw new AppError("NOT_FOUND", "No such store");
  if (store.status !== "connected") throw new AppError("CONFLICT", `The store is ${store.status.replace("_", " ")}`);
  return store;
}

const refreshDue = (session: Session) => Boolean(session.expires && session.expires.getTime() - Date.now() < REFRESH_MARGIN_MS);

/** Held while one caller refreshes a store's token; others wait this long for it. */
const REFRESH_LOCK = { ttlMs: 30_000, waitMs: 30_000 };

export async function loadStoreSession(deps: { db: Db; shopify: Shopify; storage: SessionStorage; lock?: LockPort }, input: { storeId: string }) {
  const store = await requireConnectedStore(deps, input);
  const needsReauth = (why: string) => markNeedsReauth(deps, { store, why });
  const load = async (): Promise<Session | undefined> => (store.sessionId ? await deps.storage.loadSession(store.sessionId) : undefined);
  const session = await load();
  if (!session?.accessToken) return needsReauth("no access token is stored");
  if (!refreshDue(session)) return { store, session };
  // Refresh tokens rotate: each works once. Two jobs refreshing together would both present it and
  // the second would be refused (and mark the store for re-authorization), so one refreshes under
  // the store's lock while the others wait, re-read, and find its fresh token.
  const lock = deps.lock ?? getInfra().lock;
  const fresh = await lock.withLock(`store-session:${store.id}`, REFRESH_LOCK, async () => {
    const current = await load();
    if (!current?.accessToken) return needsReauth("no access token is stored");
    if (!refreshDue(current)) return current;
    if (!current.refreshToken) return needsReauth("the access token expired and there is no refresh token");
    let refreshed: Session;
    try {
      ({ session: refreshed } = await deps.shopify.auth.refreshToken({ shop: store.shopDomain, refreshToken: current.refreshToken }));
    } catch (err) {
      return needsReauth(`Shopify refused the refresh (${(err as Error).message})`);
    }
    await deps.storage.storeSession(refreshed);
    return refreshed;
  });
  return { store, session: fresh };
}
