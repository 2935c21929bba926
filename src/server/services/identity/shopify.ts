import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores } from "../../db/schema";
import { refreshCustomerRollups, type ResolveDeps, resolveStoreCustomers } from "./resolve";

// Shopify's customers and orders feed identity resolution: per record for webhooks and the
// paginated syncs, set-based for a history sync.

type Row = Record<string, unknown>;

/** A store's customers whose records or orders just changed: profiles follow (customers resolved, figures refreshed). */
export async function followStoreChanges(deps: ResolveDeps, input: { brandId: string; storeId: string; customers: Iterable<bigint>; orderCustomers: Iterable<bigint> }): Promise<void> {
  const customers = [...new Set(input.customers)];
  if (customers.length) await resolveStoreCustomers(deps, { brandId: input.brandId, storeId: input.storeId, customerIds: customers });
  const ordered = [...new Set(input.orderCustomers)].filter((c) => !customers.includes(c));
  if (ordered.length) await refreshCustomerRollups(deps, { brandId: input.brandId, storeId: input.storeId, customerIds: ordered });
}

/**
 * After a history sync (its orders are all in): every customer of the store resolved, set-based. A
 * new profile is written with its figures; a group that was there before is counted again in the
 * same page's transaction — so every group of the store's customers ends counted, each row written once.
 */
export async function followHistorySync(deps: ResolveDeps, input: { brandId: string; storeId: string }): Promise<{ customers: number; merged: number }> {
  const result = await resolveStoreCustomers(deps, input);
  return { customers: result.customers, merged: result.merged };
}

function idOf(v: unknown): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return BigInt(v);
  return null;
}

export interface TouchedCustomers {
  brandId: string;
  storeId: string;
  customers: bigint[];
  orderCustomers: bigint[];
}

/**
 * The customers a data webhook concerns, per store of the shop — read before it is applied (an
 * order's deletion leaves no row to find its customer by afterwards).
 */
export async function customersTouchedByWebhook(deps: { db: Db }, input: { shopDomain: string; topic: string; body: unknown }): Promise<TouchedCustomers[]> {
  const body = (input.body ?? {}) as Record<string, unknown>;
  const [kind] = input.topic.split("/");
  if (kind !== "customers" && kind !== "orders" && kind !== "refunds") return [];
  const targets = await deps.db.select({ id: stores.id, brandId: stores.brandId }).from(stores).where(and(eq(stores.shopDomain, input.shopDomain), eq(stores.status, "connected")));
  const out: TouchedCustomers[] = [];
  for (const store of targets) {
    let customer = kind === "customers" ? idOf(body.id) : kind === "orders" ? idOf((body.customer as Record<string, unknown> | null)?.id) : null;
    if (customer === null && kind !== "customers") {
      const orderId = idOf(kind === "refunds" ? body.order_id : body.id);
      if (orderId !== null) {
        const [row] = await deps.db.execute<Row>(sql`select customer_shopify_id from shop_orders where store_id = ${store.id} and shopify_id = ${orderId.toString()}::bigint`);
        customer = row?.customer_shopify_id == null ? null : BigInt(String(row.customer_shopify_id));
      }
    }
    if (customer === null) continue;
    const resolvable = input.topic === "customers/create" || input.topic === "customers/update";
    out.push({ brandId: store.brandId, storeId: store.id, customers: resolvable ? [customer] : [], orderCustomers: resolvable ? [] : [customer] });
  }
  return out;
}

/** Profiles follow what a webhook changed (after it was applied). */
export async function followTouchedCustomers(deps: ResolveDeps, touched: TouchedCustomers[]): Promise<void> {
  for (const t of touched) await followStoreChanges(deps, t);
}
