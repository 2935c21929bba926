import type { CustomerRecord, OrderRecord, ProductRecord } from "~/emulator/store/records";
import { getSql } from "~/server/db/client";

/**
 * "Equals the shop" field by field: every stored row of orders, line items, refunds, customers,
 * products and variants against the emulator's record of it (GET /_emulator/shops/:shop/truth/:kind).
 * Each column has its expectation written out here, from what Brandbase promises to store —
 * independently of the app's mappers, which would otherwise be tested with themselves.
 */

type Value = string | number | null;
/** How a stored column is read and what the shop's record says it must hold. */
type Field<R> = [column: string, expected: (record: R) => Value, kind?: "money" | "time" | "id"];

/** Exact decimal in ten-thousandths (the columns' scale), so "12.3", "12.30" and "12.3000" are one value. */
function money(v: Value): Value {
  if (v === null) return null;
  const [units, frac = ""] = String(v).replace("-", "").split(".");
  const scaled = BigInt(units!) * 10_000n + BigInt(frac.padEnd(4, "0").slice(0, 4));
  return `${String(v).startsWith("-") ? "-" : ""}${scaled}`;
}
const time = (v: Value | Date): Value => (v === null ? null : new Date(v).toISOString());
/** bigint columns arrive as text. */
const id = (v: Value): Value => (v === null ? null : Number(v));
const NORMALIZE = { money, time, id, plain: (v: Value) => v };
const lower = (v: string | null) => (v === null ? null : v.toLowerCase());
/** Brandbase keeps tags as Shopify's REST API writes them, "a, b", and no tags as null. */
const tagList = (tags: string[]) => (tags.length ? tags.join(", ") : null);

const ORDER: Field<OrderRecord>[] = [
  ["name", (o) => o.name],
  ["email", (o) => o.email],
  ["phone", (o) => o.phone],
  ["customer_shopify_id", (o) => o.customerId, "id"],
  ["currency", (o) => o.currency],
  ["subtotal", (o) => o.subtotal, "money"],
  ["tax", (o) => o.tax, "money"],
  ["discounts", (o) => o.discounts, "money"],
  ["total", (o) => o.total, "money"],
  ["refunded", (o) => o.refunded, "money"],
  // Shopify's financial status in lower case; fulfillment as REST's fulfillment_status (null until fulfilled).
  ["financial_status", (o) => lower(o.financialStatus)],
  ["fulfillment_status", (o) => (o.fulfillmentStatus === "FULFILLED" ? "fulfilled" : null)],
  ["cancelled_at", (o) => o.cancelledAt, "time"],
  ["processed_at", (o) => o.processedAt, "time"],
  ["created_at", (o) => o.createdAt, "time"],
  ["updated_at", (o) => o.updatedAt, "time"],
];
type Line = OrderRecord["lineItems"][number];
const LINE: Field<Line>[] = [
  ["product_shopify_id", (l) => l.productId, "id"],
  ["variant_shopify_id", (l) => l.variantId, "id"],
  ["title", (l) => l.title],
  ["sku", (l) => l.sku],
  ["quantity", (l) => l.quantity],
  ["price", (l) => l.unitPrice, "money"],
];
type Refund = OrderRecord["refunds"][number];
const REFUND: Field<Refund>[] = [
  ["amount", (r) => r.amount, "money"],
  ["created_at", (r) => r.createdAt, "time"],
];
const CUSTOMER: Field<CustomerRecord>[] = [
  ["email", (c) => lower(c.email)],
  ["phone", (c) => c.phone],
  ["first_name", (c) => c.firstName],
  ["last_name", (c) => c.lastName],
  ["tags", (c) => tagList(c.tags)],
  ["email_consent", (c) => lower(c.emailMarketingState)],
  ["sms_consent", (c) => lower(c.smsMarketingState)],
  ["created_at", (c) => c.createdAt, "time"],
  ["updated_at", (c) => c.updatedAt, "time"],
];
const PRODUCT: Field<ProductRecord>[] = [
  ["title", (p) => p.title],
  ["handle", (p) => p.handle],
  ["vendor", (p) => p.vendor],
  ["product_type", (p) => p.productType],
  ["status", (p) => lower(p.status)],
  ["tags", (p) => tagList(p.tags)],
  ["created_at", (p) => p.createdAt, "time"],
  ["updated_at", (p) => p.updatedAt, "time"],
];
type Variant = ProductRecord["variants"][number];
const VARIANT: Field<Variant>[] = [
  ["title", (v) => v.title],
  ["sku", (v) => v.sku],
  ["price", (v) => v.price, "money"],
];

export interface Difference {
  /** e.g. "order 5000000000123 line item 9000000003936". */
  record: string;
  /** The column, or "(record)" when the whole row is missing or extra. */
  field: string;
  stored: Value;
  expected: Value;
}

/** Every record of a kind the emulator holds, read from its NDJSON stream. */
export async function shopRecords<T>(emulatorUrl: string, shop: string, kind: "orders" | "customers" | "products"): Promise<T[]> {
  const res = await fetch(`${emulatorUrl}/_emulator/shops/${shop}/truth/${kind}`);
  if (!res.ok) throw new Error(`Reading the shop's ${kind} failed: ${res.status} ${await res.text()}`);
  return (await res.text()).split("\n").filter(Boolean).map((line) => JSON.parse(line) as T);
}

type Row = Record<string, Value | Date>;

/** Rows of a table for the store, keyed by the given columns (numbers as numbers, money as text). */
async function storedRows(table: string, storeId: string, key: string[]): Promise<Map<string, Row>> {
  const rows = await getSql().unsafe(`select * from ${table} where store_id = $1`, [storeId]);
  const out = new Map<string, Row>();
  for (const row of rows as unknown as Row[]) out.set(key.map((k) => String(row[k])).join("/"), row);
  return out;
}

function compareFields<R>(diffs: Difference[], record: string, row: Row, rec: R, fields: Field<R>[]): void {
  for (const [column, expectedOf, kind] of fields) {
    const raw = row[column] as Value | Date | undefined;
    if (raw === undefined) throw new Error(`Column ${column} is not in the stored row of ${record}: the expectation table needs updating`);
    const norm = NORMALIZE[kind ?? "plain"];
    const stored = norm(raw as Value);
    const expected = norm(expectedOf(rec));
    if (stored !== expected) diffs.push({ record, field: column, stored: kind === "money" ? String(raw) : stored, expected: kind === "money" ? expectedOf(rec) : expected });
  }
}

/** Compares children (line items, refunds, variants) of one parent: same set of ids, same fields. */
function compareChildren<C extends { id: number }>(diffs: Difference[], parent: string, label: string, children: C[], stored: Map<string, Row>, keyOf: (c: C) => string, fields: Field<C>[], parentColumn: string, parentId: number) {
  for (const child of children) {
    const key = keyOf(child);
    const row = stored.get(key);
    const name = `${parent} ${label} ${child.id}`;
    if (!row) diffs.push({ record: name, field: "(record)", stored: null, expected: "present" });
    else {
      if (Number(row[parentColumn]) !== parentId) diffs.push({ record: name, field: parentColumn, stored: Number(row[parentColumn]), expected: parentId });
      compareFields(diffs, name, row, child, fields);
    }
    stored.delete(key);
  }
}

/** Columns that are keys or ownership, not data from the shop (compared through the row's identity). */
const IDENTITY = new Set(["id", "brand_id", "store_id", "shopify_id"]);
const TABLES: [table: string, fields: Field<never>[], parentColumn?: string][] = [
  ["shop_orders", ORDER as Field<never>[]],
  ["shop_line_items", LINE as Field<never>[], "order_shopify_id"],
  ["shop_refunds", REFUND as Field<never>[], "order_shopify_id"],
  ["shop_customers", CUSTOMER as Field<never>[]],
  ["shop_products", PRODUCT as Field<never>[]],
  ["shop_variants", VARIANT as Field<never>[], "product_shopify_id"],
];

/**
 * Every stored column has its expectation above: a column added to a table without one fails
 * here, so "field by field" cannot silently skip it.
 */
async function assertEveryColumnCompared(): Promise<void> {
  const columns = await getSql()<{ table: string; column: string }[]>`select table_name as table, column_name as column from information_schema.columns
    where table_schema = 'public' and table_name in ${getSql()(TABLES.map(([t]) => t))}`;
  for (const [table, fields, parentColumn] of TABLES) {
    const compared = new Set([...fields.map(([c]) => c), ...(parentColumn ? [parentColumn] : [])]);
    const uncompared = columns.filter((c) => c.table === table && !IDENTITY.has(c.column) && !compared.has(c.column)).map((c) => c.column);
    if (uncompared.length) throw new Error(`${table} has columns the shop comparison does not check: ${uncompared.join(", ")} (add their expectations to tests/helpers/shop-equality.ts)`);
  }
}

export interface Scope {
  orders?: (o: OrderRecord) => boolean;
  customers?: (c: CustomerRecord) => boolean;
  products?: (p: ProductRecord) => boolean;
}

/**
 * Every difference between what the store holds and the shop's records in scope (all of them unless
 * told): a record missing, a row the shop does not have (or not in scope), a field that differs.
 */
export async function compareStoreWithShop(input: { storeId: string; emulatorUrl: string; shop: string; scope?: Scope }): Promise<Difference[]> {
  const { storeId, emulatorUrl, shop, scope = {} } = input;
  await assertEveryColumnCompared();
  const diffs: Difference[] = [];
  const [orders, customers, products] = await Promise.all([
    shopRecords<OrderRecord>(emulatorUrl, shop, "orders"),
    shopRecords<CustomerRecord>(emulatorUrl, shop, "customers"),
    shopRecords<ProductRecord>(emulatorUrl, shop, "products"),
  ]);
  const [orderRows, lineRows, refundRows, customerRows, productRows, variantRows] = await Promise.all([
    storedRows("shop_orders", storeId, ["shopify_id"]),
    storedRows("shop_line_items", storeId, ["order_shopify_id", "shopify_id"]),
    storedRows("shop_refunds", storeId, ["order_shopify_id", "shopify_id"]),
    storedRows("shop_customers", storeId, ["shopify_id"]),
    storedRows("shop_products", storeId, ["shopify_id"]),
    storedRows("shop_variants", storeId, ["shopify_id"]),
  ]);

  const roots = <R extends { id: number }>(label: string, records: R[], inScope: ((r: R) => boolean) | undefined, rows: Map<string, Row>, fields: Field<R>[], children: (r: R, name: string) => void) => {
    for (const rec of records) {
      if (inScope && !inScope(rec)) continue;
      const name = `${label} ${rec.id}`;
      const row = rows.get(String(rec.id));
      rows.delete(String(rec.id));
      if (!row) {
        diffs.push({ record: name, field: "(record)", stored: null, expected: "present" });
        continue;
      }
      compareFields(diffs, name, row, rec, fields);
      children(rec, name);
    }
    for (const key of rows.keys()) diffs.push({ record: `${label} ${key}`, field: "(record)", stored: "present", expected: null });
  };

  roots("order", orders, scope.orders, orderRows, ORDER, (o, name) => {
    compareChildren(diffs, name, "line item", o.lineItems, lineRows, (l) => `${o.id}/${l.id}`, LINE, "order_shopify_id", o.id);
    compareChildren(diffs, name, "refund", o.refunds, refundRows, (r) => `${o.id}/${r.id}`, REFUND, "order_shopify_id", o.id);
  });
  roots("customer", customers, scope.customers, customerRows, CUSTOMER, () => {});
  roots("product", products, scope.products, productRows, PRODUCT, (p, name) => {
    compareChildren(diffs, name, "variant", p.variants, variantRows, (v) => String(v.id), VARIANT, "product_shopify_id", p.id);
  });
  for (const [label, rows] of [["line item", lineRows], ["refund", refundRows], ["variant", variantRows]] as const) {
    for (const key of rows.keys()) diffs.push({ record: `${label} ${key} (order or product / id)`, field: "(record)", stored: "present", expected: null });
  }
  return diffs;
}

const show = (v: Value) => (v === null ? "null" : JSON.stringify(v));

export function describeDifferences(diffs: Difference[], limit = 10): string {
  const lines = diffs.slice(0, limit).map((d) =>
    d.field === "(record)"
      ? `  ${d.record}: ${d.expected === null ? "stored, but the shop has no such record (in scope)" : "in the shop, not stored"}`
      : `  ${d.record}: ${d.field} is ${show(d.stored)} in our tables, the shop says ${show(d.expected)}`,
  );
  return `${diffs.length} difference(s) between the stored data and the shop; first ${Math.min(limit, diffs.length)}:\n${lines.join("\n")}`;
}

/** Throws, naming the first differing records and fields, unless the store equals the shop field by field. */
export async function expectStoreEqualsShop(input: { storeId: string; emulatorUrl: string; shop: string; scope?: Scope; label?: string }): Promise<void> {
  const diffs = await compareStoreWithShop(input);
  if (diffs.length) throw new Error(`${input.label ? `${input.label}: ` : ""}${describeDifferences(diffs)}`);
}
