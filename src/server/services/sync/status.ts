import type { Db } from "../../db/client";
import { listStores } from "../stores/connect";

/**
 * A brand's sync status: every store with its connection state, how far incremental sync has
 * reached and how much of each entity is synced. (Per-run milestones arrive with the bulk history sync.)
 */
export async function getSyncStatus(deps: { db: Db }, input: { brandId: string }) {
  const stores = await listStores(deps, input);
  return {
    brandId: input.brandId,
    stores: stores.map((s) => ({
      id: s.id,
      shop: s.shopDomain,
      status: s.status,
      syncedThrough: s.syncedThrough?.toISOString() ?? null,
      counts: { orders: s.orders, customers: s.customers, products: s.products },
    })),
    generatedAt: new Date().toISOString(),
  };
}
