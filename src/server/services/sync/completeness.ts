import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Db, Sql } from "../../db/client";
import type { EntityCheck, MoneyCheck } from "../../db/schema";
import type { JobProducer } from "../../jobs/queue";
import type { PubSubPort } from "../../infra/pubsub/port";
import type { Logger } from "../../logger";
import type { Shopify } from "../../shopify/api";
import { type ShopCounts, shopCounts } from "./bulk/operation";
import { PRIORITY } from "../../shopify/budget";
import { requestDeletionRepairs } from "./deletions";
import { storeClient } from "./graphql";
import { amount, type Money, numericId } from "./queries";
import { announceSync } from "./progress";

/**
 * The completeness check: our counts against the shop's own (`ordersCount` etc.), and the money of
 * a window of orders (those a sync just read, or those an operator's check reads) against ours for
 * the same orders, per currency; an order we hold in an older version than the shop's is stale and
 * fails the check too. An order changed in the shop after it was read is left out of both sides
 * (and counted), so a webhook arriving mid-check is not a false alarm. The check records what its
 * window covered, in words, and the page says exactly that.
 */

export interface MoneyWindow {
  money: MoneyCheck[];
  changedSince: number;
}

/** `source` is a relation with shopify_id, updated_at, currency, total and refunded: what the shop sent. */
async function compareWindow(sql: Sql, storeId: string, source: string, params: unknown[]): Promise<MoneyWindow> {
  const rows = await sql.unsafe<
    { currency: string; shopOrders: string; shopTotal: string | null; shopRefunded: string | null; localOrders: string; localTotal: string | null; localRefunded: string | null; stale: string; changed: string }[]
  >(
    `WITH s AS (SELECT DISTINCT ON (shopify_id) shopify_id, updated_at, currency, total, refunded FROM ${source} ORDER BY shopify_id, updated_at DESC)
     SELECT s.currency,
       count(*) FILTER (WHERE o.updated_at IS NULL OR o.updated_at <= s.updated_at) AS "shopOrders",
       sum(s.total) FILTER (WHERE o.updated_at IS NULL OR o.updated_at <= s.updated_at) AS "shopTotal",
       sum(s.refunded) FILTER (WHERE o.updated_at IS NULL OR o.updated_at <= s.updated_at) AS "shopRefunded",
       count(o.shopify_id) FILTER (WHERE o.updated_at <= s.updated_at) AS "localOrders",
       sum(o.total) FILTER (WHERE o.updated_at <= s.updated_at) AS "localTotal",
       sum(o.refunded) FILTER (WHERE o.updated_at <= s.updated_at) AS "localRefunded",
       count(*) FILTER (WHERE o.updated_at < s.updated_at) AS stale,
       count(*) FILTER (WHERE o.updated_at > s.updated_at) AS changed
     FROM s LEFT JOIN shop_orders o ON o.store_id = $1::uuid AND o.shopify_id = s.shopify_id
     GROUP BY s.currency ORDER BY s.currency`,
    [storeId, ...params] as never[],
  );
  // Exact decimal text, trailing zeros beyond the cents trimmed: "1234.5000" → "1234.50".
  const fixed = (v: string | null) => {
    const [units, frac = ""] = (v ?? "0").split(".");
    const digits = frac.replace(/0+$/, "");
    return `${units}.${digits.padEnd(2, "0")}`;
  };
  return {
    money: rows.map((r) => ({
      currency: r.currency,
      shop: { orders: Number(r.shopOrders), total: fixed(r.shopTotal), refunded: fixed(r.shopRefunded) },
      local: { orders: Number(r.localOrders), total: fixed(r.localTotal), refunded: fixed(r.localRefunded) },
      stale: Number(r.stale),
    })),
    changedSince: rows.reduce((n, r) => n + Number(r.changed), 0),
  };
}

/** The window of a history export: its staged orders. */
export function stagedOrdersWindow(sql: Sql, storeId: string, stagingTable: string): Promise<MoneyWindow> {
  return compareWindow(sql, storeId, stagingTable, []);
}

export interface FetchedOrder {
  id: bigint;
  updatedAt: string;
  currency: string;
  total: string;
  refunded: string;
}

/** The window of an incremental sync: the orders it fetched. */
export function fetchedOrdersWindow(sql: Sql, storeId: string, orders: FetchedOrder[]): Promise<MoneyWindow> {
  const rows = orders.map((o) => ({ shopify_id: o.id, updated_at: o.updatedAt, currency: o.currency, total: o.total, refunded: o.refunded }));
  return compareWindow(sql, storeId, "jsonb_to_recordset($2::jsonb) AS f(shopify_id bigint, updated_at timestamptz, currency text, total numeric, refunded numeric)", [JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))]);
}

/**
 * Our counts, counted: the check is the independent word on what we hold, so it does not read the
 * maintained counts the pages use (store_count_deltas) — a drift there must not hide a drift here.
 */
export async function localCounts(sql: Sql, storeId: string): Promise<ShopCounts> {
  const [row] = await sql<{ orders: string; customers: string; products: string }[]>`select
    (select count(*) from shop_orders where store_id = ${storeId}) as orders,
    (select count(*) from shop_customers where store_id = ${storeId}) as customers,
    (select count(*) from shop_products where store_id = ${storeId}) as products`;
  return { orders: Number(row!.orders), customers: Number(row!.customers), products: Number(row!.products) };
}

export function assess(shop: ShopCounts, local: ShopCounts, window: MoneyWindow): { ok: boolean; counts: EntityCheck[] } {
  const counts: EntityCheck[] = (["orders", "customers", "products"] as const).map((entity) => ({ entity, shop: shop[entity], local: local[entity] }));
  const countsOk = counts.every((c) => c.shop === c.local);
  const moneyOk = window.money.every((m) => m.shop.orders === m.local.orders && m.shop.total === m.local.total && m.shop.refunded === m.local.refunded && !m.stale);
  return { ok: countsOk && moneyOk, counts };
}

/** Inserts the check and returns it. */
export async function recordCheck(
  sql: Sql,
  input: { brandId: string; storeId: string; trigger: CheckTrigger; shop: ShopCounts; window: MoneyWindow; windowLabel: string },
) {
  const local = await localCounts(sql, input.storeId);
  const { ok, counts } = assess(input.shop, local, input.window);
  await sql`insert into sync_checks (brand_id, store_id, trigger, ok, counts, money, "window", changed_since)
    values (${input.brandId}, ${input.storeId}, ${input.trigger}, ${ok}, ${JSON.stringify(counts)}::jsonb, ${JSON.stringify(input.window.money)}::jsonb, ${input.windowLabel}, ${input.window.changedSince})`;
  return { ok, counts, money: input.window.money };
}

export type CheckTrigger = "history" | "reconcile" | "manual";

/** Announces a recorded check; a drift is logged, and records we hold beyond the shop's count are queued for a deletion repair. */
async function afterCheck(deps: CompletenessDeps, input: { brandId: string; storeId: string; trigger: CheckTrigger }, check: { ok: boolean; counts: EntityCheck[]; money: MoneyCheck[] }) {
  announceSync(deps, input.brandId);
  if (check.ok) return;
  deps.log.warn({ storeId: input.storeId, trigger: input.trigger, counts: check.counts, money: check.money }, "completeness check found a drift");
  if (deps.jobs) await requestDeletionRepairs({ jobs: deps.jobs }, { brandId: input.brandId, storeId: input.storeId, counts: check.counts });
}

// Lean on purpose (a few points per order): Shopify's own order-level totals, so the check does not
// lean on our mapping of refunds either.
const MANUAL_ORDERS = `query CheckOrders($cursor: String, $q: String!) {
  orders(first: 100, after: $cursor, query: $q, sortKey: UPDATED_AT, reverse: true) {
    nodes { id updatedAt currencyCode totalPriceSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface CheckedOrderNode {
  id: string;
  updatedAt: string;
  currencyCode: string;
  totalPriceSet: Money;
  totalRefundedSet: Money;
}

/** What an operator's check reads: orders updated in the last `days`, at most `maxOrders` of them (newest first). */
export interface ManualWindow {
  days: number;
  maxOrders: number;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * "Check again": the shop's counts now against ours, and the money (and freshness) of the orders
 * updated in the last `days` — read from Shopify page by page, newest first, at most `maxOrders`
 * — against ours for the same orders. Recorded with a label that says exactly that.
 */
export async function runManualCheck(deps: CompletenessDeps, input: { brandId: string; storeId: string; window: ManualWindow; signal?: AbortSignal }) {
  const { request } = await storeClient(deps, { storeId: input.storeId, signal: input.signal, priority: PRIORITY.interactive });
  const since = new Date(Date.now() - input.window.days * 86_400_000);
  const q = `updated_at:>='${since.toISOString().replace(/\.\d{3}Z$/, "Z")}'`;
  const fetched: FetchedOrder[] = [];
  let cursor: string | null = null;
  let more = false;
  do {
    const data: { orders: { nodes: CheckedOrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await request(MANUAL_ORDERS, { cursor, q });
    for (const node of data.orders.nodes) {
      if (fetched.length >= input.window.maxOrders) {
        more = true;
        break;
      }
      fetched.push({ id: numericId(node.id), updatedAt: node.updatedAt, currency: node.currencyCode, total: amount(node.totalPriceSet) ?? "0", refunded: amount(node.totalRefundedSet) ?? "0" });
    }
    cursor = data.orders.pageInfo.hasNextPage && !more ? data.orders.pageInfo.endCursor : null;
    if (cursor && fetched.length >= input.window.maxOrders) more = true;
  } while (cursor && !more);
  const shop = await shopCounts(request);
  const window = await fetchedOrdersWindow(deps.sql, input.storeId, fetched);
  const span = `updated in the last ${input.window.days} days (since ${day(since)})`;
  const windowLabel = more
    ? `the ${fetched.length.toLocaleString("en-US")} most recently updated orders ${span}; older ones in that span were not read`
    : `all ${fetched.length.toLocaleString("en-US")} orders ${span}`;
  const check = await recordCheck(deps.sql, { brandId: input.brandId, storeId: input.storeId, trigger: "manual", shop, window, windowLabel });
  await afterCheck(deps, { ...input, trigger: "manual" }, check);
  return { ...check, window: windowLabel };
}

export interface CompletenessDeps {
  /** To queue a deletion repair when a check finds us holding more than the shop. */
  jobs?: JobProducer;
  db: Db;
  sql: Sql;
  shopify: Shopify;
  storage: SessionStorage;
  pubsub: PubSubPort;
  log: Logger;
}

/**
 * Runs a completeness check of a store: the shop's counts (asked now) against ours, and the money
 * of `window`; recorded, announced, and a drift logged. After a history run, after reconciliation,
 * or when an operator asks.
 */
export async function runCompletenessCheck(
  deps: CompletenessDeps,
  input: { brandId: string; storeId: string; trigger: Exclude<CheckTrigger, "manual">; window: MoneyWindow; windowLabel: string; signal?: AbortSignal },
) {
  const { request } = await storeClient(deps, { storeId: input.storeId, signal: input.signal, priority: input.trigger === "reconcile" ? PRIORITY.background : PRIORITY.sync });
  const shop = await shopCounts(request);
  const check = await recordCheck(deps.sql, { ...input, shop });
  await afterCheck(deps, input, check);
  return check;
}
