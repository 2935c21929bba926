import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores } from "../../db/schema";
import { isTimeZone } from "~/lib/time-zone";
import { storeCounts } from "../stores/counts";

/** The zone days are counted in when no store has told us its own (connected before we asked Shopify). */
export const FALLBACK_TIME_ZONE = "UTC";

export interface ShopContext {
  /** The zone days, filters and charts use: the main store's (Shopify's `ianaTimezone`). */
  timeZone: string;
  /** Where `timeZone` comes from: the one store, the main one of several with different zones, or a fallback. */
  timeZoneSource: "store" | "main-store" | "fallback";
  /** The store with the most orders (the first connected on a tie): its zone and currency lead. */
  mainStore: { id: string; shopDomain: string; currency: string | null; timeZone: string | null } | null;
  /** The stores' own currencies (Shopify's `shop.currencyCode`), main store's first; empty when none is known yet. */
  storeCurrencies: string[];
  /** Every store of the brand. */
  storeIds: string[];
  /** Orders the brand's stores hold (maintained counts). */
  orders: number;
}

/**
 * How a brand's figures are read: in which time zone days begin, which store leads. A brand's
 * stores may be in different zones; one zone must count the days of one chart, so the main store's
 * (most orders, from the maintained counts) is used and the page says so.
 */
export async function getShopContext(deps: { db: Db }, input: { brandId: string }): Promise<ShopContext> {
  const rows = await deps.db
    .select({ id: stores.id, shopDomain: stores.shopDomain, currency: stores.currency, timeZone: stores.ianaTimezone, connectedAt: stores.connectedAt })
    .from(stores)
    .where(eq(stores.brandId, input.brandId))
    .orderBy(stores.connectedAt, stores.id);
  const counts = await storeCounts(deps, { storeIds: rows.map((r) => r.id) });
  const ranked = rows
    .map((r, i) => ({ ...r, i, orders: counts.get(r.id)?.orders ?? 0 }))
    .sort((a, b) => b.orders - a.orders || a.i - b.i);
  const main = ranked[0] ?? null;
  const zones = new Set(rows.map((r) => r.timeZone).filter(isTimeZone));
  const zone = isTimeZone(main?.timeZone) ? main.timeZone : ranked.map((r) => r.timeZone).find(isTimeZone);
  return {
    timeZone: zone ?? FALLBACK_TIME_ZONE,
    timeZoneSource: !zone ? "fallback" : zones.size > 1 ? "main-store" : "store",
    mainStore: main ? { id: main.id, shopDomain: main.shopDomain, currency: main.currency, timeZone: main.timeZone } : null,
    storeCurrencies: [...new Set(ranked.map((r) => r.currency).filter((c): c is string => Boolean(c)))],
    storeIds: rows.map((r) => r.id),
    orders: ranked.reduce((n, r) => n + r.orders, 0),
  };
}
