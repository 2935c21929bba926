import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { getInfra } from "../../infra";
import type { LockPort } from "../../infra/lock/port";
import { stores } from "../../db/schema";
import { AppError } from "../../errors";
import { mayBecome, notConnectedReason } from "./status-rules";
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
  if (store.status !== "connected") throw new AppError("CONFLICT", notConnectedReason(store));
  return store;
}

const refreshDue = (session: Session) => Boolean(session.expires && session.expires.getTime() - Date.now() < REFRESH_MARGIN_MS);

/** Held while one caller refreshes a store's token; others wait this long for it. */
const REFRESH_LOCK = { ttlMs: 30_000, waitMs: 30_000 };

type SessionDeps = { db: Db; shopify: Shopify; storage: SessionStorage; lock?: LockPort };
type StoreRow = Awaited<ReturnType<typeof requireConnectedStore>>;

/**
 * Refreshes the store's token if `stale` says the stored session needs it. Refresh tokens rotate:
 * each works once. Two jobs refreshing together would both present it and the second would be
 * refused (and mark the store for re-authorization), so one refreshes under the store's lock while
 * the others wait, re-read, and find its fresh token.
 */
async function refreshUnderLock(deps: SessionDeps, store: StoreRow, stale: (session: Session) => boolean): Promise<Session> {
  const needsReauth = (why: string) => markNeedsReauth(deps, { store, why });
  const lock = deps.lock ?? getInfra().lock;
  return lock.withLock(`store-session:${store.id}`, REFRESH_LOCK, async () => {
    const current = store.sessionId ? await deps.storage.loadSession(store.sessionId) : undefined;
    if (!current?.accessToken) return needsReauth("no access token is stored");
    if (!stale(current)) return current;
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
}

export async function loadStoreSession(deps: SessionDeps, input: { storeId: string }) {
  const store = await requireConnectedStore(deps, input);
  const session = store.sessionId ? await deps.storage.loadSession(store.sessionId) : undefined;
  if (!session?.accessToken) return markNeedsReauth(deps, { store, why: "no access token is stored" });
  if (!refreshDue(session)) return { store, session };
  return { store, session: await refreshUnderLock(deps, store, refreshDue) };
}

/**
 * Shopify refused `rejected`'s access token (401) although we believed it valid — an expiring
 * token that ran out early, say: renew it once with the refresh token. If another job already
 * renewed it (the stored token is no longer the rejected one), that fresh token is used.
 */
export async function renewStoreSession(deps: SessionDeps, input: { store: StoreRow; rejected: Session }): Promise<Session> {
  return refreshUnderLock(deps, input.store, (current) => current.accessToken === input.rejected.accessToken);
}
