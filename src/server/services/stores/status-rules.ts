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
