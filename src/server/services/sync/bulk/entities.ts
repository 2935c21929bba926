import type { SyncEntity } from "../../../db/schema";
import { sumAmounts } from "../../commerce/payloads";
import {
  amount,
  CUSTOMER_FIELDS,
  type CustomerNode,
  fulfillment,
  joinTags,
  LINE_FIELDS,
  type LineNode,
  lower,
  numericId,
  ORDER_FIELDS,
  type OrderNode,
  PRODUCT_FIELDS,
  type ProductNode,
  VARIANT_FIELDS,
  type VariantNode,
} from "../queries";

/**
 * What a history sync does per entity: the bulk query, the staging tables (named like the
 * production columns they feed), how one JSONL line becomes staging rows, and how a chunk of
 * staged rows is promoted.
 */

export type PgType = "bigint" | "integer" | "text" | "numeric" | "timestamptz";
export interface TableDef {
  /** Staging table suffix and the production table it feeds. */
  key: string;
  target: string;
  /** Columns (snake_case, as in production) after the leading `chunk integer`. */
  columns: [name: string, type: PgType][];
  /**
   * How promotion writes a row that exists: `newer` replaces it only when the staged
   * `updated_at` is newer (versioned records); `keep` leaves it (line items and refunds never
   * change once created); `parent` replaces it when its parent was written in this sync.
   */
  conflict: "newer" | "keep" | "parent";
  /** The production table's key (what ON CONFLICT names); `store_id, shopify_id` unless told. */
  conflictKey?: string;
  /** For `parent`: the parent's table def key and our column naming the parent. */
  parent?: { key: string; column: string };
}

/**
 * COPY rows for one chunk, one byte buffer per staging table: each row is encoded as it is made,
 * so a chunk costs its size in bytes (outside the JS heap) rather than a rope of small strings.
 */
export class ChunkRows {
  private readonly buffers: Record<string, { buf: Buffer; used: number }> = {};
  roots = 0;
  children = 0;
  /** Root ids in this chunk: a chunk holds each root once, so promotion needs no dedupe. */
  private readonly rootIds = new Set<number>();
  constructor(
    readonly seq: number,
    tables: TableDef[],
  ) {
    for (const t of tables) this.buffers[t.key] = { buf: Buffer.allocUnsafe(1 << 16), used: 0 };
  }
  add(table: string, values: (string | number | null)[]): void {
    let row = String(this.seq);
    for (const v of values) row += `\t${v === null ? "\\N" : typeof v === "number" ? v : copyText(v)}`;
    row += "\n";
    const b = this.buffers[table]!;
    const need = b.used + Buffer.byteLength(row);
    if (need > b.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, b.buf.length * 2));
      b.buf.copy(grown, 0, 0, b.used);
      b.buf = grown;
    }
    b.used += b.buf.write(row, b.used);
  }
  /** Records a root id; false if the chunk already has it (the caller starts a new chunk). */
  claimRoot(id: number): boolean {
    if (this.rootIds.has(id)) return false;
    this.rootIds.add(id);
    return true;
  }
  /** The table's rows as COPY text. */
  bytes(table: string): Buffer {
    const b = this.buffers[table]!;
    return b.buf.subarray(0, b.used);
  }
}

/** Postgres COPY text format: backslash, tab, newline and carriage return are escaped. */
export function copyText(v: string): string {
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : v;
}

/** A line that is not what the export promises: names the line and what is wrong. */
export class MalformedLineError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`Line ${line} of the bulk result is malformed: ${detail}`);
    this.name = "MalformedLineError";
  }
}

type Json = Record<string, unknown>;

export interface EntityDef {
  entity: SyncEntity;
  bulkQuery: string;
  tables: TableDef[];
  /** Adds one parsed line to the chunk (roots already claimed in it); `line` (1-based) names it in errors. */
  stage(obj: Json, rows: ChunkRows, line: number): void;
  /** Tables whose promotion must wait until every chunk of the parents is promoted. */
  deferred: string[];
}

const ts = (v: string | null | undefined) => v ?? null;

function need(obj: Json, field: string, line: number): string {
  const v = obj[field];
  if (typeof v !== "string" || !v) throw new MalformedLineError(line, `${field} is missing`);
  return v;
}

function childKind(obj: Json, line: number): string {
  const id = need(obj, "id", line);
  return id.slice("gid://shopify/".length, id.lastIndexOf("/"));
}

const ORDERS: EntityDef = {
  entity: "orders",
  bulkQuery: `{ orders { edges { node { ${ORDER_FIELDS} lineItems { edges { node { ${LINE_FIELDS} } } } } } } }`,
  tables: [
    {
      key: "orders",
      target: "shop_orders",
      conflict: "newer",
      columns: [
        ["shopify_id", "bigint"], ["name", "text"], ["email", "text"], ["phone", "text"], ["customer_shopify_id", "bigint"], ["currency", "text"],
        ["subtotal", "numeric"], ["tax", "numeric"], ["discounts", "numeric"], ["total", "numeric"], ["refunded", "numeric"],
        ["financial_status", "text"], ["fulfillment_status", "text"], ["cancelled_at", "timestamptz"], ["processed_at", "timestamptz"],
        ["created_at", "timestamptz"], ["updated_at", "timestamptz"],
      ],
    },
    {
      key: "lines",
      target: "shop_line_items",
      conflict: "keep",
      conflictKey: "store_id, order_shopify_id, shopify_id",
      columns: [["shopify_id", "bigint"], ["order_shopify_id", "bigint"], ["product_shopify_id", "bigint"], ["variant_shopify_id", "bigint"], ["title", "text"], ["sku", "text"], ["quantity", "integer"], ["price", "numeric"]],
    },
    { key: "refunds", target: "shop_refunds", conflict: "keep", conflictKey: "store_id, order_shopify_id, shopify_id", columns: [["shopify_id", "bigint"], ["order_shopify_id", "bigint"], ["amount", "numeric"], ["created_at", "timestamptz"]] },
  ],
  deferred: [],
  stage(obj, rows, line) {
    const parent = obj.__parentId;
    if (typeof parent === "string") {
      if (childKind(obj, line) !== "LineItem") throw new MalformedLineError(line, `unexpected child ${String(obj.id)}`);
      const l = obj as unknown as LineNode;
      if (typeof l.quantity !== "number") throw new MalformedLineError(line, "quantity is missing");
      rows.add("lines", [numericId(l.id), numericId(parent), l.product ? numericId(l.product.id) : null, l.variant ? numericId(l.variant.id) : null, l.title ?? null, l.sku ?? null, l.quantity, amount(l.originalUnitPriceSet) ?? "0"]);
      rows.children++;
      return;
    }
    const o = obj as unknown as OrderNode;
    const id = numericId(need(obj, "id", line));
    need(obj, "updatedAt", line);
    need(obj, "createdAt", line);
    need(obj, "currencyCode", line);
    if (!Array.isArray(o.refunds)) throw new MalformedLineError(line, "refunds is missing");
    const refundAmounts = o.refunds.map((r) => amount(r.totalRefundedSet) ?? "0");
    for (let k = 0; k < o.refunds.length; k++) rows.add("refunds", [numericId(o.refunds[k]!.id), id, refundAmounts[k]!, ts(o.refunds[k]!.createdAt)]);
    rows.add("orders", [
      id, o.name ?? null, o.email ?? null, o.phone ?? null, o.customer ? numericId(o.customer.id) : null, o.currencyCode,
      amount(o.subtotalPriceSet), amount(o.totalTaxSet), amount(o.totalDiscountsSet), amount(o.totalPriceSet) ?? "0",
      refundAmounts.length === 0 ? "0" : refundAmounts.length === 1 ? refundAmounts[0]! : sumAmounts(refundAmounts),
      lower(o.displayFinancialStatus), fulfillment(o.displayFulfillmentStatus), ts(o.cancelledAt), ts(o.processedAt), o.createdAt, o.updatedAt,
    ]);
    rows.roots++;
  },
};

const CUSTOMERS: EntityDef = {
  entity: "customers",
  bulkQuery: `{ customers { edges { node { ${CUSTOMER_FIELDS} } } } }`,
  tables: [
    {
      key: "customers",
      target: "shop_customers",
      conflict: "newer",
      columns: [
        ["shopify_id", "bigint"], ["email", "text"], ["phone", "text"], ["first_name", "text"], ["last_name", "text"], ["tags", "text"],
        ["email_consent", "text"], ["sms_consent", "text"], ["created_at", "timestamptz"], ["updated_at", "timestamptz"],
      ],
    },
  ],
  deferred: [],
  stage(obj, rows, line) {
    if (obj.__parentId !== undefined) throw new MalformedLineError(line, `unexpected child ${String(obj.id)}`);
    const c = obj as unknown as CustomerNode;
    const id = numericId(need(obj, "id", line));
    need(obj, "updatedAt", line);
    rows.add("customers", [
      id, lower(c.email), c.phone ?? null, c.firstName ?? null, c.lastName ?? null, joinTags(c.tags ?? []),
      lower(c.emailMarketingConsent?.marketingState), lower(c.smsMarketingConsent?.marketingState), ts(c.createdAt), c.updatedAt,
    ]);
    rows.roots++;
  },
};

const PRODUCTS: EntityDef = {
  entity: "products",
  bulkQuery: `{ products { edges { node { ${PRODUCT_FIELDS} variants { edges { node { ${VARIANT_FIELDS} } } } } } } }`,
  tables: [
    {
      key: "products",
      target: "shop_products",
      conflict: "newer",
      columns: [["shopify_id", "bigint"], ["title", "text"], ["handle", "text"], ["vendor", "text"], ["product_type", "text"], ["status", "text"], ["tags", "text"], ["created_at", "timestamptz"], ["updated_at", "timestamptz"]],
    },
    {
      key: "variants",
      target: "shop_variants",
      conflict: "parent",
      parent: { key: "products", column: "product_shopify_id" },
      columns: [["shopify_id", "bigint"], ["product_shopify_id", "bigint"], ["title", "text"], ["sku", "text"], ["price", "numeric"]],
    },
  ],
  // A variant may arrive before its product: variants are promoted once every product is.
  deferred: ["variants"],
  stage(obj, rows, line) {
    const parent = obj.__parentId;
    if (typeof parent === "string") {
      if (childKind(obj, line) !== "ProductVariant") throw new MalformedLineError(line, `unexpected child ${String(obj.id)}`);
      const v = obj as unknown as VariantNode;
      rows.add("variants", [numericId(v.id), numericId(parent), v.title ?? null, v.sku ?? null, v.price ?? null]);
      rows.children++;
      return;
    }
    const p = obj as unknown as ProductNode;
    const id = numericId(need(obj, "id", line));
    need(obj, "updatedAt", line);
    need(obj, "title", line);
    rows.add("products", [id, p.title, p.handle ?? null, p.vendor ?? null, p.productType ?? null, lower(p.status), joinTags(p.tags ?? []), ts(p.createdAt), p.updatedAt]);
    rows.roots++;
  },
};

export const ENTITY_DEFS: Record<SyncEntity, EntityDef> = { orders: ORDERS, customers: CUSTOMERS, products: PRODUCTS };
