import { sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";

/**
 * The maintained summaries (db/schema/summaries.ts) against a recount of the raw rows. The
 * triggers of migration `0017_maintained_summaries` write them; `rebuild_store_summaries` (same
 * migration) recounts a store's from scratch. Rows whose figures are all zero are what a sale that
 * was later removed leaves behind, and count as absent; product rows by day before
 * `product_day_horizon()` are neither kept nor read, and are left out.
 */

/** One summary row as text, e.g. `sales_days 2026-03-01 USD orders=3 guest=0 gross=30.0000 refunded=0.0000`. */
async function summaryRows(tx: Tx, storeId: string): Promise<string[]> {
  const rows = await tx.execute<{ row: string }>(sql`
    select concat_ws(' ', 'sales_days', day, currency, 'orders=' || orders, 'guest=' || guest_orders, 'gross=' || gross, 'refunded=' || refunded) as row
      from sales_days where store_id = ${storeId} and (orders, guest_orders, gross, refunded) <> (0, 0, 0, 0)
    union all
    select concat_ws(' ', 'product_sales', grain, period_start, product_shopify_id, 'units=' || units, 'orders=' || orders)
      from product_sales where store_id = ${storeId} and (units, orders) <> (0, 0) and (grain <> 'day' or period_start >= product_day_horizon())
    union all
    select concat_ws(' ', 'customer_days', day, 'first=' || first_orders, 'last=' || last_orders, 'previous=' || previous_orders)
      from customer_days where store_id = ${storeId} and (first_orders, last_orders, previous_orders) <> (0, 0, 0)
    union all
    select concat_ws(' ', 'customer', customer_shopify_id, 'orders=' || orders, 'first=' || first_order_at, 'last=' || last_order_at,
        'previous=' || coalesce(previous_order_at::text, '-'), currency, 'net=' || net)
      from customer_order_summaries where store_id = ${storeId}`);
  return [...rows].map((r) => r.row).sort();
}

class Rollback extends Error {}

/**
 * How a store's maintained summaries differ from a recount of its rows: `missing` are rows the
 * recount has and the summaries lack (or hold with other figures), `extra` the reverse. Both empty
 * when they agree. Reads in a transaction it rolls back, so nothing changes.
 */
export async function summaryDrift(deps: { db: Db }, input: { storeId: string }): Promise<{ missing: string[]; extra: string[] }> {
  let drift = { missing: [] as string[], extra: [] as string[] };
  try {
    await deps.db.transaction(async (tx) => {
      // A consistent view of the rows and their summaries, and no writer in between.
      await tx.execute(sql`set transaction isolation level repeatable read`);
      const maintained = await summaryRows(tx, input.storeId);
      await tx.execute(sql`select rebuild_store_summaries(${input.storeId}::uuid)`);
      const recounted = await summaryRows(tx, input.storeId);
      const kept = new Set(maintained);
      const truth = new Set(recounted);
      drift = { missing: recounted.filter((r) => !kept.has(r)), extra: maintained.filter((r) => !truth.has(r)) };
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return drift;
}
