import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { orderObject } from "~/emulator/admin/objects";
import { loadAdminSchema } from "~/emulator/admin/schema";
import { planBulkQuery } from "~/emulator/bulk/plan";
import { allChildren, project } from "~/emulator/bulk/project";
import { formatCents } from "~/emulator/store/money";
import { ShopStore } from "~/emulator/store/shop-store";
import { type OrderRec, refundTotal, type StoreSpec } from "~/emulator/store/types";
import { customerPayload, deletedPayload, orderPayload, productPayload, refundPayload } from "~/emulator/webhooks/payloads";
import { parseLossless } from "~/server/lossless-json";
import { orderRowsFromWebhook } from "~/server/services/commerce/webhook-rows";
import { ENTITY_DEFS } from "~/server/services/sync/bulk/entities";
import { lineItemRowFromNode, orderRowsFromNode } from "~/server/services/sync/node-rows";
import type { LineNode, OrderNode } from "~/server/services/sync/queries";

/**
 * The emulator's bodies against Shopify's: its webhook bodies have the names, types and nesting of
 * Shopify's published samples (tests/fixtures/shopify), and one emulated order read as a webhook body
 * and as the bulk sync's GraphQL node becomes the same rows — money in the shop's currency included.
 */

const END = Date.UTC(2026, 9, 1);
const spec = (more: Partial<StoreSpec> = {}): StoreSpec => ({ seed: 11, orders: 3000, customers: 600, products: 40, startAt: END - 400 * 86_400_000, endAt: END, currencies: ["USD", "EUR", "GBP"], ...more });
const sample = (name: string) => parseLossless(readFileSync(new URL(`../fixtures/shopify/${name}`, import.meta.url), "utf8"));
/** A body as the app receives it: sent as JSON text, parsed without losing digits. */
const received = (body: unknown) => parseLossless(JSON.stringify(body));

type Json = null | boolean | number | bigint | string | Json[] | { [k: string]: Json };
const kind = (v: Json) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "bigint" ? "number" : typeof v);

/**
 * Walks the fields both bodies have: the same JSON type in each (a null on either side says nothing
 * about the type), objects and first array elements compared in turn. Returns the paths compared and
 * the mismatches.
 */
function compareShapes(shopify: Json, ours: Json, path = ""): { shared: string[]; mismatches: string[] } {
  const shared: string[] = [];
  const mismatches: string[] = [];
  const walk = (a: Json, b: Json, at: string) => {
    if (a === null || b === null) return;
    if (kind(a) !== kind(b)) {
      mismatches.push(`${at || "(root)"}: Shopify has ${kind(a)}, the emulator ${kind(b)}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length && b.length) walk(a[0]!, b[0]!, `${at}[]`);
      return;
    }
    if (typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      for (const key of Object.keys(a)) {
        if (!Object.hasOwn(b, key)) continue;
        const p = at ? `${at}.${key}` : key;
        shared.push(p);
        walk(a[key]!, b[key]!, p);
      }
    }
  };
  walk(shopify, ours, path);
  return { shared, mismatches };
}

/** An emulated order with what the samples show: a refund in another currency, with a failed attempt and an adjustment, if there is one. */
function richestOrder(store: ShopStore): OrderRec {
  let best: OrderRec | undefined;
  let bestScore = -1;
  for (let i = 0; i < store.orderTotal; i++) {
    const o = store.order(i);
    const score = (o.presentmentCurrency !== o.currency ? 4 : 0) + (o.refunds.some((r) => r.transactions.some((t) => t.status === "failure")) ? 2 : 0) + (o.refunds.some((r) => r.adjustments.length) ? 1 : 0) + (o.customerId !== null ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [o, score];
  }
  return best!;
}

describe("the emulator's webhook bodies against Shopify's samples", () => {
  const store = new ShopStore(spec({ bigIds: true }));
  const order = richestOrder(store);

  it("generates what the samples show: one shop currency, other presentment currencies, refunds with failed and pending transactions and adjustments", () => {
    const orders = Array.from({ length: store.orderTotal }, (_, i) => store.order(i));
    expect(new Set(orders.map((o) => o.currency))).toEqual(new Set(["USD"]));
    const foreign = orders.filter((o) => o.presentmentCurrency !== o.currency).length / orders.length;
    expect(foreign).toBeGreaterThan(0.15);
    expect(foreign).toBeLessThan(0.45);
    const refunds = orders.flatMap((o) => o.refunds);
    for (const status of ["success", "failure", "pending"] as const) expect(refunds.some((r) => r.transactions.some((t) => t.status === status))).toBe(true);
    expect(refunds.some((r) => r.adjustments.length > 0)).toBe(true);
    expect(order.presentmentCurrency).not.toBe(order.currency);
  });

  it.each([
    ["orders/create", "orders-create.json", () => orderPayload(store, order)],
    ["orders/updated (REST order)", "rest-order-450789469.json", () => orderPayload(store, order)],
    ["orders/updated (presentment)", "orders-updated-presentment.json", () => orderPayload(store, order)],
    ["refunds/create", "refunds-create.json", () => refundPayload(order, order.refunds.find((r) => r.adjustments.length) ?? order.refunds[0]!, true)],
    ["customers/create", "customers-create.json", () => customerPayload(store.customer(3)!, true)],
    ["products/create", "products-create.json", () => productPayload(store.products[0]!, true)],
    ["orders/delete", "orders-delete.json", () => deletedPayload(order.id, true)],
  ])("%s: the fields both have match in name, type and nesting", (_topic, file, body) => {
    const { shared, mismatches } = compareShapes(sample(file) as Json, received(body()) as Json);
    expect(mismatches).toEqual([]);
    expect(shared).toContain("id");
  });

  it("has every field of the samples that Brandbase reads, nested as Shopify nests them", () => {
    const { shared: orderFields } = compareShapes(sample("orders-updated-presentment.json") as Json, received(orderPayload(store, order)) as Json);
    for (const path of [
      "currency", "presentment_currency", "total_price", "total_price_set.shop_money.amount", "total_price_set.presentment_money.currency_code",
      "subtotal_price_set.shop_money.amount", "total_tax_set.shop_money.amount", "total_discounts_set.shop_money.amount", "customer.id",
      "line_items[].id", "line_items[].price_set.shop_money.amount", "line_items[].product_id", "line_items[].variant_id",
      "refunds[].id", "refunds[].order_id", "refunds[].transactions[].kind", "refunds[].transactions[].status", "refunds[].transactions[].amount",
      "refunds[].transactions[].currency", "refunds[].refund_line_items[].subtotal_set.presentment_money.amount", "refunds[].refund_line_items[].total_tax_set.shop_money.amount",
      "refunds[].order_adjustments[].amount_set.shop_money.amount", "refunds[].order_adjustments[].tax_amount_set.presentment_money.amount",
    ]) {
      expect(orderFields, path).toContain(path);
    }
  });

  it("writes 18-digit ids as JSON numbers, digit for digit, when the shop has bigIds", () => {
    const text = JSON.stringify(orderPayload(store, order));
    expect(text).toMatch(/^\{"id":8\d{17},/);
    const body = received(orderPayload(store, order)) as { id: bigint; admin_graphql_api_id: string; line_items: { id: bigint }[] };
    expect(typeof body.id).toBe("bigint");
    expect(body.id > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(body.admin_graphql_api_id).toBe(`gid://shopify/Order/${body.id}`);
    expect(String(body.line_items[0]!.id)).toHaveLength(18);
  });
});

describe.each([
  ["ids as the emulator's own", false],
  ["18-digit ids", true],
])("one emulated order, as a webhook body and as the bulk sync's GraphQL node (%s)", (_label, bigIds) => {
  it("becomes the same rows, money in the shop's currency, refunded what the successful transactions returned", async () => {
    const store = new ShopStore(spec({ bigIds }));
    const plan = planBulkQuery(await loadAdminSchema("2026-10"), ENTITY_DEFS.orders.bulkQuery).plan;
    const money = (v: unknown) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v).toFixed(4) : v);
    const normalized = (rows: unknown) => JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : money(v)))) as unknown;
    let foreignRefunded = 0;
    for (let i = 0; i < store.orderTotal; i++) {
      const o = store.order(i);
      // The bulk path: the order's JSONL line, its line items as lines of their own.
      const obj = orderObject(store, o) as unknown as Record<string, unknown>;
      const node = JSON.parse(JSON.stringify(project(obj, plan))) as OrderNode;
      const fromNode = orderRowsFromNode(node);
      fromNode.lines = allChildren(obj, "lineItems", {}).map((l) => lineItemRowFromNode(JSON.parse(JSON.stringify(project(l, plan.children[0]!.plan))) as LineNode, fromNode.order.shopifyId));
      const fromWebhook = orderRowsFromWebhook(received(orderPayload(store, o)), "orders/updated");
      expect(normalized(fromWebhook), o.name).toEqual(normalized(fromNode));
      expect(money(fromWebhook.order.refunded)).toBe(money(formatCents(refundTotal(o))));
      expect(fromWebhook.order.currency).toBe("USD");
      if (o.presentmentCurrency !== o.currency && o.refunds.length) foreignRefunded++;
    }
    // The comparison covered what matters: refunds paid back in another currency than the shop's.
    expect(foreignRefunded).toBeGreaterThan(10);
  });
});
