import { inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { storeCountDeltas } from "../../db/schema";

export interface StoreCounts {
  orders: number;
  customers: number;
  products: number;
}

/**
 * Orders, customers and products per store, summed from the deltas the tables' triggers append
 * (see the `store_count_deltas` schema). A read only reads: reconciliation (every few minutes per
 * store) and the end of a history sync fold the deltas (`compactStoreCounts`), so a store has a
 * few hundred rows at most between folds.
 */
export async function storeCounts(deps: { db: Db }, input: { storeIds: string[] }): Promise<Map<string, StoreCounts>> {
  const out = new Map<string, StoreCounts>();
  if (input.storeIds.length === 0) return out;
  const rows = await deps.db
    .select({ storeId: storeCountDeltas.storeId, entity: storeCountDeltas.entity, n: sql<string>`sum(${storeCountDeltas.delta})` })
    .from(storeCountDeltas)
    .where(inArray(storeCountDeltas.storeId, input.storeIds))
    .groupBy(storeCountDeltas.storeId, storeCountDeltas.entity);
  for (const r of rows) {
    const counts = out.get(r.storeId) ?? { orders: 0, customers: 0, products: 0 };
    counts[r.entity] = Number(r.n);
    out.set(r.storeId, counts);
  }
  return out;
}

/**
 * Replaces a store's deltas by their sums, in one statement. Safe alongside writers and other
 * compactions: it deletes only committed rows it sees, and a row another compaction already took
 * is skipped, so every delta is summed exactly once.
 */
export async function compactStoreCounts(deps: { db: Db }, input: { storeId: string }): Promise<void> {
  await deps.db.execute(sql`with gone as (delete from store_count_deltas where store_id = ${input.storeId} returning entity, delta)
    insert into store_count_deltas (store_id, entity, delta) select ${input.storeId}::uuid, entity, sum(delta) from gone group by entity`);
}
