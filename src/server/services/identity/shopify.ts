import { sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { announceProfiles, refreshCustomerRollupsIn, type ResolveDeps, resolveCustomersIn, resolveStoreCustomers } from "./resolve";

// Shopify's customers and orders feed identity resolution: per record for webhooks and the
// paginated syncs, set-based for a history sync.

type Row = Record<string, unknown>;

type StoreChanges = { brandId: string; storeId: string; customers: Iterable<bigint>; orderCustomers: Iterable<bigint> };

/**
 * A store's customers whose records or orders just changed, in the caller's transaction: profiles
 * follow (customers resolved, the figures of those whose orders changed counted again). Returns the
 * groups touched, to announce after the commit.
 */
export async function followStoreChangesIn(tx: Tx, input: StoreChanges): Promise<number[]> {
  const customers = [...new Set(input.customers)];
  const roots = customers.length ? await resolveCustomersIn(tx, { brandId: input.brandId, storeId: input.storeId, customerIds: customers }) : [];
  const resolved = new Set(customers);
  const ordered = [...new Set(input.orderCustomers)].filter((c) => !resolved.has(c));
  if (ordered.length) roots.push(...(await refreshCustomerRollupsIn(tx, { brandId: input.brandId, storeId: input.storeId, customerIds: ordered })));
  return [...new Set(roots)];
}

/** A store's customers whose records or orders just changed: profiles follow in one transaction, then open pages are told. */
export async function followStoreChanges(deps: ResolveDeps, input: StoreChanges): Promise<void> {
  const roots = await deps.db.transaction((tx) => followStoreChangesIn(tx, input));
  await announceProfiles(deps, input.brandId, roots);
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
 * The customers a data webhook concerns, for each of the stores it applies to — read before it is
 * applied (an order's deletion leaves no row to find its customer by afterwards).
 */
export async function customersTouchedByWebhook(db: Db | Tx, input: { stores: { id: string; brandId: string }[]; topic: string; body: unknown }): Promise<TouchedCustomers[]> {
  const body = (input.body ?? {}) as Record<string, unknown>;
  const [kind] = input.topic.split("/");
  if (kind !== "customers" && kind !== "orders" && kind !== "refunds") return [];
  const out: TouchedCustomers[] = [];
  for (const store of input.stores) {
    let customer = kind === "customers" ? idOf(body.id) : kind === "orders" ? idOf((body.customer as Record<string, unknown> | null)?.id) : null;
    if (customer === null && kind !== "customers") {
      const orderId = idOf(kind === "refunds" ? body.order_id : body.id);
      if (orderId !== null) {
        const [row] = await db.execute<Row>(sql`select customer_shopify_id from shop_orders where store_id = ${store.id} and shopify_id = ${orderId.toString()}::bigint`);
        customer = row?.customer_shopify_id == null ? null : BigInt(String(row.customer_shopify_id));
      }
    }
    if (customer === null) continue;
    const resolvable = input.topic === "customers/create" || input.topic === "customers/update";
    out.push({ brandId: store.brandId, storeId: store.id, customers: resolvable ? [customer] : [], orderCustomers: resolvable ? [] : [customer] });
  }
  return out;
}

/**
 * Profiles follow what a batch of webhooks changed, in the caller's transaction (after the data
 * is written): per store, brands in a fixed order (each brand's identity lock is taken in it, so
 * two batches cannot deadlock). Returns each brand's groups touched, to announce after the commit.
 */
export async function followTouchedIn(tx: Tx, touched: TouchedCustomers[]): Promise<Map<string, number[]>> {
  const perStore = new Map<string, { brandId: string; storeId: string; customers: bigint[]; orderCustomers: bigint[] }>();
  for (const t of touched) {
    const s = perStore.get(t.storeId) ?? { brandId: t.brandId, storeId: t.storeId, customers: [], orderCustomers: [] };
    s.customers.push(...t.customers);
    s.orderCustomers.push(...t.orderCustomers);
    perStore.set(t.storeId, s);
  }
  const roots = new Map<string, number[]>();
  const ordered = [...perStore.values()].sort((a, b) => a.brandId.localeCompare(b.brandId) || a.storeId.localeCompare(b.storeId));
  for (const s of ordered) roots.set(s.brandId, [...(roots.get(s.brandId) ?? []), ...(await followStoreChangesIn(tx, s))]);
  return roots;
}
