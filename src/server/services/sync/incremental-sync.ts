import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores, syncRuns } from "../../db/schema";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { PRIORITY, type Priority } from "../../shopify/budget";
import type { PubSubPort } from "../../infra/pubsub/port";
import { announceData } from "../commerce/announce";
import type { OrderRows } from "../commerce/rows";
import { type Store, writeCustomer, writeOrder, writeProduct } from "../commerce/write";
import { compactStoreCounts } from "../stores/counts";
import { type CompletenessDeps, type FetchedOrder, fetchedOrdersWindow, runCompletenessCheck } from "./completeness";
import { storeClient } from "./graphql";
import { progressTicker } from "./progress";
import { customerRowFromNode, orderRowsFromNode, productRowsFromNode } from "./node-rows";
import {
  CUSTOMER_FIELDS, type CustomerNode, LINE_FIELDS, type LineNode, ORDER_FIELDS, type OrderNode, PRODUCT_FIELDS, type ProductNode, VARIANT_FIELDS, type VariantNode,
} from "./queries";

// Page sizes keep each query well under Shopify's 1000-point single-query cost: a query runs only
// when the bucket holds its whole *requested* cost, so smaller requests wait less for the refill
// (orders rarely have more than 10 lines; the rest are fetched with MORE_LINES).
const ORDERS = `query RecentOrders($cursor: String, $q: String!) {
  orders(first: 10, after: $cursor, query: $q, sortKey: UPDATED_AT) {
    nodes { ${ORDER_FIELDS} lineItems(first: 10) { nodes { ${LINE_FIELDS} } pageInfo { hasNextPage endCursor } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

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
  orders: number;
  customers: number;
  products: number;
  /** The orders as read (for the completeness check of the window). */
  fetched: FetchedOrder[];
}

type SyncDeps = { db: Db; shopify: Shopify; storage: SessionStorage; pubsub: PubSubPort; log: Logger };

/**
 * Orders (with line items), customers and products updated since `since`, page by page within
 * Shopify's cost budget, each page committed on its own; on success the store's `syncedThrough`
 * moves to when this run started. Used right after connecting (the last days) and by reconciliation.
 */
export async function runIncrementalSync(
  deps: SyncDeps,
  input: { storeId: string; since: (store: { syncedThrough: Date | null }) => Date; priority: Priority; signal?: AbortSignal },
): Promise<SyncResult> {
  const startedAt = new Date();
  const { store, request } = await storeClient(deps, { storeId: input.storeId, signal: input.signal, priority: input.priority });
  const target: Store = { id: store.id, brandId: store.brandId };
  const since = input.since(store).toISOString().replace(/\.\d{3}Z$/, "Z");
  const q = `updated_at:>='${since}'`;
  const result: SyncResult = { orders: 0, customers: 0, products: 0, fetched: [] };

  // The live data pages refresh as pages land (at most once a second).
  const landed = progressTicker(deps, store.brandId, 1_000, announceData);
  async function eachPage<T>(query: string, key: string, handle: (nodes: T[]) => Promise<void>) {
    let cursor: string | null = null;
    do {
      const data: Record<string, Page<T>> = await request(query, { cursor, q });
      await handle(data[key]!.nodes);
      if (data[key]!.nodes.length) landed.tick();
      cursor = data[key]!.pageInfo.hasNextPage ? data[key]!.pageInfo.endCursor : null;
    } while (cursor && !input.signal?.aborted);
  }

  await eachPage<OrderNode & { lineItems: Page<LineNode> }>(ORDERS, "orders", async (nodes) => {
    const rows: OrderRows[] = [];
    for (const o of nodes) {
      const lines = [...o.lineItems.nodes];
      for (let page = o.lineItems.pageInfo; page.hasNextPage; ) {
        const more: { order: { lineItems: Page<LineNode> } } = await request(MORE_LINES, { id: o.id, cursor: page.endCursor });
        lines.push(...more.order.lineItems.nodes);
        page = more.order.lineItems.pageInfo;
      }
      rows.push(orderRowsFromNode(o, lines));
    }
    await deps.db.transaction(async (tx) => {
      for (const r of rows) await writeOrder(tx, target, r);
    });
    result.orders += rows.length;
    for (const r of rows) {
      const o = r.order;
      result.fetched.push({ id: o.shopifyId, updatedAt: o.updatedAt, currency: o.currency, total: o.total, refunded: o.refunded });
    }
  });

  await eachPage<CustomerNode>(CUSTOMERS, "customers", async (nodes) => {
    await deps.db.transaction(async (tx) => {
      for (const c of nodes) await writeCustomer(tx, target, customerRowFromNode(c));
    });
    result.customers += nodes.length;
  });

  await eachPage<ProductNode & { variants: { nodes: VariantNode[] } }>(PRODUCTS, "products", async (nodes) => {
    await deps.db.transaction(async (tx) => {
      for (const p of nodes) await writeProduct(tx, target, productRowsFromNode(p, p.variants.nodes));
    });
    result.products += nodes.length;
  });

  await deps.db
    .update(stores)
    .set({ syncedThrough: startedAt })
    .where(and(eq(stores.id, store.id), or(isNull(stores.syncedThrough), lt(stores.syncedThrough, startedAt))));
  deps.log.info({ storeId: store.id, shop: store.shopDomain, since, orders: result.orders, customers: result.customers, products: result.products }, "incremental sync done");
  return result;
}

/** Right after connecting: the last `days`, so the dashboard has data within seconds. */
export function runRecentSync(deps: SyncDeps, input: { storeId: string; days?: number; signal?: AbortSignal }): Promise<SyncResult> {
  return runIncrementalSync(deps, { ...input, priority: PRIORITY.sync, since: () => new Date(Date.now() - (input.days ?? 3) * 86_400_000) });
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
