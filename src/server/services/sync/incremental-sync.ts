import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { shopOrders, stores, syncRuns } from "../../db/schema";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { PRIORITY, type Priority } from "../../shopify/budget";
import type { PubSubPort } from "../../infra/pubsub/port";
import { announceData } from "../commerce/announce";
import type { OrderRows } from "../commerce/rows";
import { type Store, writeCustomers, writeOrders, writeProducts } from "../commerce/write";
import type { CachePort } from "../../infra/cache/port";
import { followStoreChanges } from "../identity/shopify";
import { compactStoreCounts } from "../stores/counts";
import { type CompletenessDeps, type FetchedOrder, fetchedOrdersWindow, runCompletenessCheck } from "./completeness";
import { storeClient } from "./graphql";
import { progressTicker } from "./progress";
import { customerRowFromNode, orderRowsFromNode, productRowsFromNode } from "./node-rows";
import {
  CUSTOMER_FIELDS, type CustomerNode, LINE_FIELDS, type LineNode, numericId, ORDER_FIELDS, type OrderNode, PRODUCT_FIELDS, type ProductNode, VARIANT_FIELDS, type VariantNode,
} from "./queries";

// Orders are read in two passes. First their versions only (id and updatedAt, about one point
// each, 250 a page); then, by id, the orders we do not hold in that version — with their money,
// refunds and lines, about 30 points each, which a shop's budget (100–1,000 points a second)
// allows only a few of per second. Reconciliation on a synced store fetches only what webhooks
// missed; the first sync of a store, everything.
const ORDER_VERSIONS = `query OrderVersions($cursor: String, $q: String!, $reverse: Boolean!) {
  orders(first: 250, after: $cursor, query: $q, sortKey: UPDATED_AT, reverse: $reverse) { nodes { id updatedAt } pageInfo { hasNextPage endCursor } }
}`;

// Ten at a time keep each query well under Shopify's 1000-point single-query cost: a query runs
// only when the bucket holds its whole *requested* cost, so smaller requests wait less for the
// refill (orders rarely have more than 10 lines; the rest are fetched with MORE_LINES).
const ORDERS_BY_ID = `query OrdersById($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Order { ${ORDER_FIELDS} lineItems(first: 10) { nodes { ${LINE_FIELDS} } pageInfo { hasNextPage endCursor } } } }
}`;
const FETCH_BATCH = 10;

const MORE_LINES = `query MoreLines($id: ID!, $cursor: String) {
  order(id: $id) { lineItems(first: 100, after: $cursor) { nodes { ${LINE_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;

const CUSTOMERS = `query RecentCustomers($cursor: String, $q: String!) {
  customers(first: 100, after: $cursor, query: $q, sortKey: UPDATED_AT) { nodes { ${CUSTOMER_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;

const PRODUCTS = `query RecentProducts($cursor: String, $q: String!) {
  products(first: 50, after: $cursor, query: $q, sortKey: UPDATED_AT) {
    nodes { ${PRODUCT_FIELDS} variants(first: 10) { nodes { ${VARIANT_FIELDS} } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Page<T> { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }

export interface SyncResult {
  /** Orders in the window: fetched, or already held in Shopify's version. */
  orders: number;
  /** Of those, the ones fetched in full (missing here, or older here). */
  ordersFetched: number;
  customers: number;
  products: number;
  /** The orders as read (for the completeness check of the window). */
  fetched: FetchedOrder[];
}

type SyncDeps = { db: Db; shopify: Shopify; storage: SessionStorage; pubsub: PubSubPort; cache?: CachePort; log: Logger };

/**
 * Orders (with line items), customers and products updated since `since`, page by page within
 * Shopify's cost budget, each page committed on its own; on success the store's `syncedThrough`
 * moves to when this run started. Used right after connecting (the last days) and by reconciliation.
 */
export async function runIncrementalSync(
  deps: SyncDeps,
  input: { storeId: string; since: (store: { syncedThrough: Date | null }) => Date; priority: Priority; maxOrders?: number; signal?: AbortSignal },
): Promise<SyncResult> {
  const startedAt = new Date();
  const { store, request } = await storeClient(deps, { storeId: input.storeId, signal: input.signal, priority: input.priority });
  const target: Store = { id: store.id, brandId: store.brandId };
  const since = input.since(store).toISOString().replace(/\.\d{3}Z$/, "Z");
  const q = `updated_at:>='${since}'`;
  const result: SyncResult = { orders: 0, ordersFetched: 0, customers: 0, products: 0, fetched: [] };
  // Whose records or orders changed: their profiles follow at the end.
  const customers = new Set<bigint>();
  const orderCustomers = new Set<bigint>();

  // The live data pages refresh as rows land (at most once a second).
  const landed = progressTicker(deps, store.brandId, 1_000, announceData);
  /** Pages through a connection until its end, or until `handle` says stop. */
  async function eachPage<T>(query: string, key: string, handle: (nodes: T[]) => Promise<"stop" | void>, variables: Record<string, unknown> = {}) {
    let cursor: string | null = null;
    do {
      const data: Record<string, Page<T>> = await request(query, { cursor, q, ...variables });
      const page = data[key]!;
      const stop = await handle(page.nodes);
      cursor = stop !== "stop" && page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor && !input.signal?.aborted);
  }

  // Orders: versions first (newest first when capped, so the dashboard fills from today back), then what we lack.
  let capped = false;
  await eachPage<{ id: string; updatedAt: string }>(
    ORDER_VERSIONS,
    "orders",
    async (nodes) => {
      const stale = await staleOrders(deps, store.id, nodes, result.fetched);
      result.orders += nodes.length - stale.length;
      for (let i = 0; i < stale.length; i += FETCH_BATCH) {
        const batch = stale.slice(i, i + FETCH_BATCH);
        if (input.maxOrders !== undefined && result.ordersFetched + batch.length > input.maxOrders) {
          capped = true;
          return "stop";
        }
        await writeOrdersById(batch);
      }
    },
    { reverse: input.maxOrders !== undefined },
  );

  async function writeOrdersById(ids: string[]) {
    const data: { nodes: ((OrderNode & { lineItems: Page<LineNode> }) | null)[] } = await request(ORDERS_BY_ID, { ids });
    const rows: OrderRows[] = [];
    // An order deleted since its version was listed comes back null: its orders/delete webhook removes it.
    for (const o of data.nodes) {
      if (!o) continue;
      const lines = [...o.lineItems.nodes];
      for (let page = o.lineItems.pageInfo; page.hasNextPage; ) {
        const more: { order: { lineItems: Page<LineNode> } } = await request(MORE_LINES, { id: o.id, cursor: page.endCursor });
        lines.push(...more.order.lineItems.nodes);
        page = more.order.lineItems.pageInfo;
      }
      rows.push(orderRowsFromNode(o, lines));
    }
    await deps.db.transaction((tx) => writeOrders(tx, target, rows));
    for (const r of rows) if (r.order.customerShopifyId != null) orderCustomers.add(r.order.customerShopifyId);
    result.orders += rows.length;
    result.ordersFetched += rows.length;
    for (const r of rows) {
      const o = r.order;
      result.fetched.push({ id: o.shopifyId, updatedAt: o.updatedAt, currency: o.currency, total: o.total, refunded: o.refunded });
    }
    if (rows.length) landed.tick();
  }

  await eachPage<CustomerNode>(CUSTOMERS, "customers", async (nodes) => {
    const rows = nodes.map(customerRowFromNode);
    await deps.db.transaction((tx) => writeCustomers(tx, target, rows));
    for (const c of rows) customers.add(c.shopifyId);
    result.customers += nodes.length;
    if (nodes.length) landed.tick();
  });

  await eachPage<ProductNode & { variants: { nodes: VariantNode[] } }>(PRODUCTS, "products", async (nodes) => {
    await deps.db.transaction((tx) => writeProducts(tx, target, nodes.map((p) => productRowsFromNode(p, p.variants.nodes))));
    result.products += nodes.length;
    if (nodes.length) landed.tick();
  });

  await followStoreChanges(deps, { brandId: store.brandId, storeId: store.id, customers, orderCustomers });

  // A capped sync left older changes to the history sync: it does not vouch for the window.
  if (!capped)
    await deps.db
      .update(stores)
      .set({ syncedThrough: startedAt })
    .where(and(eq(stores.id, store.id), or(isNull(stores.syncedThrough), lt(stores.syncedThrough, startedAt))));
  deps.log.info({ storeId: store.id, shop: store.shopDomain, since, orders: result.orders, ordersFetched: result.ordersFetched, customers: result.customers, products: result.products, capped }, "incremental sync done");
  return result;
}

/** Everything Shopify changed before `at` is here (the store's "synced through"); it only moves forward. */
export async function advanceSyncedThrough(deps: { db: Db }, input: { storeId: string; at: Date }): Promise<void> {
  await deps.db
    .update(stores)
    .set({ syncedThrough: input.at })
    .where(and(eq(stores.id, input.storeId), or(isNull(stores.syncedThrough), lt(stores.syncedThrough, input.at))));
}

/**
 * The orders of a versions page we do not hold in that version (missing, or older here), as gids
 * to fetch; those we hold go into `fetched` as stored (the same version: the completeness check
 * compares its money all the same).
 */
async function staleOrders(deps: { db: Db }, storeId: string, nodes: { id: string; updatedAt: string }[], fetched: FetchedOrder[]): Promise<string[]> {
  if (!nodes.length) return [];
  const ids = nodes.map((n) => numericId(n.id));
  const held = await deps.db
    .select({ id: shopOrders.shopifyId, updatedAt: shopOrders.updatedAt, currency: shopOrders.currency, total: shopOrders.total, refunded: shopOrders.refunded })
    .from(shopOrders)
    .where(and(eq(shopOrders.storeId, storeId), inArray(shopOrders.shopifyId, ids)));
  const byId = new Map(held.map((h) => [h.id, h]));
  const stale: string[] = [];
  nodes.forEach((n, i) => {
    const mine = byId.get(ids[i]!);
    if (mine && mine.updatedAt.getTime() >= Date.parse(n.updatedAt)) fetched.push({ id: mine.id, updatedAt: mine.updatedAt.toISOString(), currency: mine.currency, total: mine.total, refunded: mine.refunded });
    else stale.push(n.id);
  });
  return stale;
}

/**
 * At most this many orders are fetched right after connecting: at ~30 points an order a shop's
 * budget allows a few a second, and the history sync, running at the same time through bulk
 * operations, brings the rest. The newest come first.
 */
export const RECENT_SYNC_MAX_ORDERS = 250;

/** Right after connecting: the last `days` (newest first, at most `maxOrders`), so the dashboard has data within seconds. */
export function runRecentSync(deps: SyncDeps, input: { storeId: string; days?: number; maxOrders?: number; signal?: AbortSignal }): Promise<SyncResult> {
  return runIncrementalSync(deps, {
    ...input,
    priority: PRIORITY.sync,
    maxOrders: input.maxOrders ?? RECENT_SYNC_MAX_ORDERS,
    since: () => new Date(Date.now() - (input.days ?? 3) * 86_400_000),
  });
}

/**
 * Scheduled per store: everything updated since the last sync minus the lookback, so a webhook
 * that never arrived is repaired; then the completeness check (unless a history sync is still
 * filling the store, when counts cannot match yet). Without an earlier sync it covers the lookback window only.
 */
export async function runReconcile(deps: CompletenessDeps, input: { storeId: string; lookbackHours: number; signal?: AbortSignal }): Promise<SyncResult> {
  const lookback = input.lookbackHours * 3_600_000;
  let from = "";
  // Background work: the recent sync and an operator's check take the shop's budget first.
  const result = await runIncrementalSync(deps, {
    ...input,
    priority: PRIORITY.background,
    since: (store) => {
      const since = new Date((store.syncedThrough?.getTime() ?? Date.now()) - lookback);
      from = `${since.toISOString().slice(0, 16).replace("T", " ")} UTC`;
      return since;
    },
  });
  // Fold the store's count deltas (webhooks add one per delivery) while we are here anyway.
  await compactStoreCounts(deps, { storeId: input.storeId });
  const [store] = await deps.db.select({ brandId: stores.brandId }).from(stores).where(eq(stores.id, input.storeId));
  const [running] = await deps.db.select({ id: syncRuns.id }).from(syncRuns).where(and(eq(syncRuns.storeId, input.storeId), eq(syncRuns.status, "running")));
  if (store && !running) {
    const window = await fetchedOrdersWindow(deps.sql, input.storeId, result.fetched);
    await runCompletenessCheck(deps, { brandId: store.brandId, storeId: input.storeId, trigger: "reconcile", window, windowLabel: `orders updated since ${from}`, signal: input.signal });
  }
  return result;
}
