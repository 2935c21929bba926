import { getTableColumns, getTableName } from "drizzle-orm";
import { CasingCache } from "drizzle-orm/casing";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { type SyncEntity, shopCustomers, shopLineItems, shopOrders, shopProducts, shopRefunds, shopVariants } from "../../../db/schema";
import { MalformedDataError } from "../../../errors";
import type { RecordEntity } from "../../commerce/tombstones";
import { customerRowFromNode, lineItemRowFromNode, orderRowsFromNode, productRowsFromNode, variantRowFromNode } from "../node-rows";
import { CUSTOMER_FIELDS, type CustomerNode, LINE_FIELDS, type LineNode, numericId, ORDER_FIELDS, type OrderNode, PRODUCT_FIELDS, type ProductNode, VARIANT_FIELDS, type VariantNode } from "../queries";

/**
 * What a history sync does per entity: the bulk query, the staging tables (one per production
 * table it feeds, with that table's columns), how one JSONL line becomes staging rows (through the
 * same node mappers as the paginated sync), and how a chunk of staged rows is promoted.
 */

export interface TableDef {
  /** Staging table suffix, and the name rows are added under. */
  key: string;
  /** The production table it feeds. */
  target: string;
  /** Columns after the leading `chunk integer`: the production table's, as named and typed there (our own keys left out). */
  columns: [name: string, type: string][];
  /** The mapped row's property for each column, in the same order. */
  fields: string[];
  /**
   * How promotion writes a row that exists: `newer` replaces it only when the staged
   * `updated_at` is newer (versioned records); `keep` leaves it (line items and refunds never
   * change once created); `parent` replaces it when its parent was written in this sync.
   */
  conflict: "newer" | "keep" | "parent";
  /** The production table's key (what ON CONFLICT names): its primary key, or `store_id, shopify_id` (its unique index) when it has a uuid. */
  conflictKey?: string;
  /** For `parent`: the parent's table def key and our column naming the parent. */
  parent?: { key: string; column: string };
  /** Which tombstones keep staged rows out (commerce/tombstones.ts); see `promotionSource` in staging.ts. */
  tombstones?: { record: RecordEntity } | { deletedParent: RecordEntity; column: string };
}

/** Columns that are ours rather than Shopify's: filled in at promotion (brand, store) or by default (id). */
const OUR_KEYS = new Set(["id", "brandId", "storeId"]);
/** Drizzle's own naming of our columns (the client runs with `casing: "snake_case"`). */
const casing = new CasingCache("snake_case");

/** A staging table mirroring `table`: the columns and key come from the Drizzle schema, never a list kept by hand. */
function tableDef(key: string, table: PgTable, conflict: TableDef["conflict"], more: Pick<TableDef, "parent" | "tombstones"> = {}): TableDef {
  const cols = Object.entries(getTableColumns(table)).filter(([k]) => !OUR_KEYS.has(k));
  const primaryKey = getTableConfig(table).primaryKeys[0];
  return {
    key,
    target: getTableName(table),
    columns: cols.map(([, c]) => [casing.getColumnCasing(c), c.getSQLType()]),
    fields: cols.map(([k]) => k),
    conflict,
    conflictKey: primaryKey ? primaryKey.columns.map((c) => casing.getColumnCasing(c)).join(", ") : undefined,
    ...more,
  };
}

/**
 * COPY rows for one chunk, one byte buffer per staging table: each row is encoded as it is made,
 * so a chunk costs its size in bytes (outside the JS heap) rather than a rope of small strings.
 */
export class ChunkRows {
  private readonly buffers: Record<string, { buf: Buffer; used: number; fields: string[] }> = {};
  roots = 0;
  children = 0;
  /** Root ids in this chunk: a chunk holds each root once, so promotion needs no dedupe. */
  private readonly rootIds = new Set<bigint>();
  constructor(
    readonly seq: number,
    tables: TableDef[],
  ) {
    for (const t of tables) this.buffers[t.key] = { buf: Buffer.allocUnsafe(1 << 16), used: 0, fields: t.fields };
  }
  /** Encodes a mapped row (rows.ts) into the table's COPY text, its fields in the table's column order. */
  add(table: string, row: object): void {
    const b = this.buffers[table]!;
    const values = row as Record<string, unknown>;
    let text = String(this.seq);
    for (const f of b.fields) {
      const v = values[f];
      text += `\t${v === null || v === undefined ? "\\N" : typeof v === "number" || typeof v === "bigint" ? v : copyText(String(v))}`;
    }
    text += "\n";
    const need = b.used + Buffer.byteLength(text);
    if (need > b.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, b.buf.length * 2));
      b.buf.copy(grown, 0, 0, b.used);
      b.buf = grown;
    }
    b.used += b.buf.write(text, b.used);
  }
  /** Records a root id; false if the chunk already has it (the caller starts a new chunk). */
  claimRoot(id: bigint): boolean {
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
export class MalformedLineError extends MalformedDataError {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(detail, `Line ${line} of the bulk result is malformed: ${detail}`);
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

/** The child's kind from its gid (`gid://shopify/LineItem/1` → `LineItem`). */
function childKind(obj: Json): string {
  const id = obj.id;
  if (typeof id !== "string" || !id) throw new MalformedDataError("id is missing");
  return id.slice("gid://shopify/".length, id.lastIndexOf("/"));
}

/** A mapper's MalformedDataError, naming the line it came from. */
function onLine(line: number, err: unknown): unknown {
  return err instanceof MalformedDataError ? new MalformedLineError(line, err.detail) : err;
}

const ORDERS: EntityDef = {
  entity: "orders",
  bulkQuery: `{ orders { edges { node { ${ORDER_FIELDS} lineItems { edges { node { ${LINE_FIELDS} } } } } } } }`,
  tables: [
    tableDef("orders", shopOrders, "newer", { tombstones: { record: "orders" } }),
    tableDef("lines", shopLineItems, "keep", { tombstones: { deletedParent: "orders", column: "order_shopify_id" } }),
    tableDef("refunds", shopRefunds, "keep", { tombstones: { deletedParent: "orders", column: "order_shopify_id" } }),
  ],
  deferred: [],
  stage(obj, rows, line) {
    try {
      const parent = obj.__parentId;
      if (typeof parent === "string") {
        if (childKind(obj) !== "LineItem") throw new MalformedDataError(`unexpected child ${String(obj.id)}`);
        rows.add("lines", lineItemRowFromNode(obj as unknown as LineNode, numericId(parent)));
        rows.children++;
        return;
      }
      const { order, refunds } = orderRowsFromNode(obj as unknown as OrderNode);
      for (const r of refunds) rows.add("refunds", r);
      rows.add("orders", order);
      rows.roots++;
    } catch (err) {
      throw onLine(line, err);
    }
  },
};

const CUSTOMERS: EntityDef = {
  entity: "customers",
  bulkQuery: `{ customers { edges { node { ${CUSTOMER_FIELDS} } } } }`,
  tables: [tableDef("customers", shopCustomers, "newer", { tombstones: { record: "customers" } })],
  deferred: [],
  stage(obj, rows, line) {
    try {
      if (obj.__parentId !== undefined) throw new MalformedDataError(`unexpected child ${String(obj.id)}`);
      rows.add("customers", customerRowFromNode(obj as unknown as CustomerNode));
      rows.roots++;
    } catch (err) {
      throw onLine(line, err);
    }
  },
};

const PRODUCTS: EntityDef = {
  entity: "products",
  bulkQuery: `{ products { edges { node { ${PRODUCT_FIELDS} variants { edges { node { ${VARIANT_FIELDS} } } } } } } }`,
  // Variants need no tombstone of their own: they are written only under the stored product this sync read.
  tables: [
    tableDef("products", shopProducts, "newer", { tombstones: { record: "products" } }),
    tableDef("variants", shopVariants, "parent", { parent: { key: "products", column: "product_shopify_id" } }),
  ],
  // A variant may arrive before its product: variants are promoted once every product is.
  deferred: ["variants"],
  stage(obj, rows, line) {
    try {
      const parent = obj.__parentId;
      if (typeof parent === "string") {
        if (childKind(obj) !== "ProductVariant") throw new MalformedDataError(`unexpected child ${String(obj.id)}`);
        rows.add("variants", variantRowFromNode(obj as unknown as VariantNode, numericId(parent)));
        rows.children++;
        return;
      }
      rows.add("products", productRowsFromNode(obj as unknown as ProductNode).product);
      rows.roots++;
    } catch (err) {
      throw onLine(line, err);
    }
  },
};

export const ENTITY_DEFS: Record<SyncEntity, EntityDef> = { orders: ORDERS, customers: CUSTOMERS, products: PRODUCTS };
