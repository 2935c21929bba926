import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { stores } from "../../db/schema";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { type OrderRows, type ProductRows, type Store, writeCustomer, writeOrder, writeProduct } from "../commerce/apply";
import { sumAmounts } from "../commerce/payloads";
import { loadStoreSession } from "../stores/session";
import { costAwareClient, numericId } from "./graphql";

// Page sizes keep each query under Shopify's 1000-point single-query cost.
const ORDERS = `query RecentOrders($cursor: String, $q: String!) {
  orders(first: 8, after: $cursor, query: $q, sortKey: UPDATED_AT) {
    nodes {
      id name email phone createdAt updatedAt processedAt cancelledAt currencyCode
      displayFinancialStatus displayFulfillmentStatus
      customer { id }
      subtotalPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } }
      refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
      lineItems(first: 20) {
        nodes { id quantity sku title originalUnitPriceSet { shopMoney { amount } } variant { id } product { id } }
        pageInfo { hasNextPage endCursor }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const MORE_LINES = `query MoreLines($id: ID!, $cursor: String) {
  order(id: $id) { lineItems(first: 100, after: $cursor) {
    nodes { id quantity sku title originalUnitPriceSet { shopMoney { amount } } variant { id } product { id } }
    pageInfo { hasNextPage endCursor } } }
}`;

const CUSTOMERS = `query RecentCustomers($cursor: String, $q: String!) {
  customers(first: 100, after: $cursor, query: $q, sortKey: UPDATED_AT) {
    nodes { id email phone firstName lastName tags createdAt updatedAt
      emailMarketingConsent { marketingState } smsMarketingConsent { marketingState } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PRODUCTS = `query RecentProducts($cursor: String, $q: String!) {
  products(first: 50, after: $cursor, query: $q, sortKey: UPDATED_AT) {
    nodes { id title handle vendor productType status tags createdAt updatedAt
      variants(first: 10) { nodes { id title sku price } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Money = { shopMoney: { amount: string } } | null;
interface LineNode { id: string; quantity: number; sku: string | null; title: string; originalUnitPriceSet: Money; variant: { id: string } | null; product: { id: string } | null }
interface Page<T> { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
interface OrderNode {
  id: string; name: string; email: string | null; phone: string | null; createdAt: string; updatedAt: string; processedAt: string | null; cancelledAt: string | null;
  currencyCode: string; displayFinancialStatus: string | null; displayFulfillmentStatus: string | null; customer: { id: string } | null;
  subtotalPriceSet: Money; totalTaxSet: Money; totalDiscountsSet: Money; totalPriceSet: Money;
  refunds: { id: string; createdAt: string | null; totalRefundedSet: Money }[];
  lineItems: Page<LineNode>;
}
interface CustomerNode {
  id: string; email: string | null; phone: string | null; firstName: string | null; lastName: string | null; tags: string[]; createdAt: string; updatedAt: string;
  emailMarketingConsent: { marketingState: string } | null; smsMarketingConsent: { marketingState: string } | null;
}
interface ProductNode {
  id: string; title: string; handle: string; vendor: string; productType: string; status: string; tags: string[]; createdAt: string; updatedAt: string;
  variants: { nodes: { id: string; title: string; sku: string | null; price: string }[] };
}

const amount = (m: Money) => m?.shopMoney.amount ?? null;
const lower = (s: string | null) => s?.toLowerCase() ?? null;

function lineRows(nodes: LineNode[]): OrderRows["lines"] {
  return nodes.map((l) => ({
    shopifyId: numericId(l.id),
    productShopifyId: l.product ? numericId(l.product.id) : null,
    variantShopifyId: l.variant ? numericId(l.variant.id) : null,
    title: l.title,
    sku: l.sku,
    quantity: l.quantity,
    price: amount(l.originalUnitPriceSet) ?? "0",
  }));
}

function orderRows(o: OrderNode, lines: LineNode[]): OrderRows {
  const refunds = o.refunds.map((r) => ({ shopifyId: numericId(r.id), amount: amount(r.totalRefundedSet) ?? "0", createdAt: r.createdAt ? new Date(r.createdAt) : null }));
  return {
    order: {
      shopifyId: numericId(o.id),
      name: o.name,
      email: o.email,
      phone: o.phone,
      customerShopifyId: o.customer ? numericId(o.customer.id) : null,
      currency: o.currencyCode,
      subtotal: amount(o.subtotalPriceSet),
      tax: amount(o.totalTaxSet),
      discounts: amount(o.totalDiscountsSet),
      total: amount(o.totalPriceSet) ?? "0",
      refunded: sumAmounts(refunds.map((r) => r.amount)),
      financialStatus: lower(o.displayFinancialStatus),
      fulfillmentStatus: o.displayFulfillmentStatus === "FULFILLED" ? "fulfilled" : null,
      cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
      processedAt: o.processedAt ? new Date(o.processedAt) : null,
      createdAt: new Date(o.createdAt),
      updatedAt: new Date(o.updatedAt),
    },
    lines: lineRows(lines),
    refunds,
  };
}

export interface SyncResult {
  orders: number;
  customers: number;
  products: number;
}

type SyncDeps = { db: Db; shopify: Shopify; storage: SessionStorage; log: Logger };

/**
 * Orders (with line items), customers and products updated since `since`, page by page within
 * Shopify's cost budget, each page committed on its own; on success the store's `syncedThrough`
 * moves to when this run started. Used right after connecting (the last days) and by reconciliation.
 */
export async function runIncrementalSync(deps: SyncDeps, input: { storeId: string; since: (store: { syncedThrough: Date | null }) => Date; signal?: AbortSignal }): Promise<SyncResult> {
  const startedAt = new Date();
  const { store, session } = await loadStoreSession(deps, { storeId: input.storeId });
  const target: Store = { id: store.id, brandId: store.brandId };
  const since = input.since(store).toISOString().replace(/\.\d{3}Z$/, "Z");
  const q = `updated_at:>='${since}'`;
  const request = costAwareClient(deps.shopify, session, { signal: input.signal });
  const result: SyncResult = { orders: 0, customers: 0, products: 0 };

  async function eachPage<T>(query: string, key: string, handle: (nodes: T[]) => Promise<void>) {
    let cursor: string | null = null;
    do {
      const data: Record<string, Page<T>> = await request(query, { cursor, q });
      await handle(data[key]!.nodes);
      cursor = data[key]!.pageInfo.hasNextPage ? data[key]!.pageInfo.endCursor : null;
    } while (cursor && !input.signal?.aborted);
  }

  await eachPage<OrderNode>(ORDERS, "orders", async (nodes) => {
    const rows: OrderRows[] = [];
    for (const o of nodes) {
      const lines = [...o.lineItems.nodes];
      for (let page = o.lineItems.pageInfo; page.hasNextPage; ) {
        const more: { order: { lineItems: Page<LineNode> } } = await request(MORE_LINES, { id: o.id, cursor: page.endCursor });
        lines.push(...more.order.lineItems.nodes);
        page = more.order.lineItems.pageInfo;
      }
      rows.push(orderRows(o, lines));
    }
    await deps.db.transaction(async (tx) => {
      for (const r of rows) await writeOrder(tx, target, r);
    });
    result.orders += rows.length;
  });

  await eachPage<CustomerNode>(CUSTOMERS, "customers", async (nodes) => {
    await deps.db.transaction(async (tx) => {
      for (const c of nodes) {
        await writeCustomer(tx, target, {
          shopifyId: numericId(c.id),
          email: c.email,
          phone: c.phone,
          firstName: c.firstName,
          lastName: c.lastName,
          tags: c.tags.join(", ") || null,
          emailConsent: lower(c.emailMarketingConsent?.marketingState ?? null),
          smsConsent: lower(c.smsMarketingConsent?.marketingState ?? null),
          createdAt: new Date(c.createdAt),
          updatedAt: new Date(c.updatedAt),
        });
      }
    });
    result.customers += nodes.length;
  });

  await eachPage<ProductNode>(PRODUCTS, "products", async (nodes) => {
    await deps.db.transaction(async (tx) => {
      for (const p of nodes) {
        const rows: ProductRows = {
          product: { shopifyId: numericId(p.id), title: p.title, handle: p.handle, vendor: p.vendor, productType: p.productType, status: lower(p.status), tags: p.tags.join(", ") || null, createdAt: new Date(p.createdAt), updatedAt: new Date(p.updatedAt) },
          variants: p.variants.nodes.map((v) => ({ shopifyId: numericId(v.id), title: v.title, sku: v.sku, price: v.price })),
        };
        await writeProduct(tx, target, rows);
      }
    });
    result.products += nodes.length;
  });

  await deps.db
    .update(stores)
    .set({ syncedThrough: startedAt })
    .where(and(eq(stores.id, store.id), or(isNull(stores.syncedThrough), lt(stores.syncedThrough, startedAt))));
  deps.log.info({ storeId: store.id, shop: store.shopDomain, since, ...result }, "incremental sync done");
  return result;
}

/** Right after connecting: the last `days`, so the dashboard has data within seconds. */
export function runRecentSync(deps: SyncDeps, input: { storeId: string; days?: number; signal?: AbortSignal }): Promise<SyncResult> {
  return runIncrementalSync(deps, { ...input, since: () => new Date(Date.now() - (input.days ?? 3) * 86_400_000) });
}

/**
 * Scheduled per store: everything updated since the last sync minus the lookback, so a webhook
 * that never arrived is repaired. Without an earlier sync it covers the lookback window only.
 */
export function runReconcile(deps: SyncDeps, input: { storeId: string; lookbackHours: number; signal?: AbortSignal }): Promise<SyncResult> {
  const lookback = input.lookbackHours * 3_600_000;
  return runIncrementalSync(deps, { ...input, since: (store) => new Date((store.syncedThrough?.getTime() ?? Date.now()) - lookback) });
}
