import { inArray } from "drizzle-orm";
import { type STORE_STATUSES, stores } from "../../db/schema";

export type StoreStatus = (typeof STORE_STATUSES)[number];

/**
 * Which state a store may move to from which: the rules every writer of `stores.status` applies in
 * its WHERE clause, so a late event never overrides a later truth. Notably a store the merchant
 * uninstalled stays uninstalled when a request that was in flight comes back 401 (it does not
 * become "needs re-authorization"), and only connecting again (OAuth) brings any store back.
 */
const FROM: Record<StoreStatus, readonly StoreStatus[]> = {
  // Reconnecting through OAuth: the way out of every state.
  connected: ["connected", "needs_reauth", "uninstalled", "disconnected"],
  // Shopify refused the token: only a store we believed connected.
  needs_reauth: ["connected"],
  // The merchant removed the app: wins over a refused token (which it explains).
  uninstalled: ["connected", "needs_reauth"],
  // The owner disconnected (an uninstalled store too: the owner puts it away).
  disconnected: ["connected", "needs_reauth", "uninstalled"],
};

/** The condition under which a store may move to `to` (use it in the UPDATE's WHERE, next to the store's id). */
export function mayBecome(to: StoreStatus) {
  return inArray(stores.status, [...FROM[to]]);
}

/**
 * Why a store that is not connected cannot be synced, as a sentence an operator can act on (the
 * Sync page shows it as the step's error, the API as the CONFLICT's message).
 */
export function notConnectedReason(store: { shopDomain: string; status: StoreStatus }): string {
  switch (store.status) {
    case "uninstalled":
      return `The Brandbase app was uninstalled from ${store.shopDomain}. Reconnect the store to sync it again.`;
    case "needs_reauth":
      return `Shopify no longer accepts Brandbase's access to ${store.shopDomain}. Reconnect the store to authorize it again.`;
    case "disconnected":
      return `${store.shopDomain} was disconnected from Brandbase. Connect it again to sync it.`;
    case "connected":
      return `${store.shopDomain} is connected.`;
  }
}
