import { customerObject, orderObject, productObject } from "../admin/objects";
import type { ShopStore } from "../store/shop-store";
import type { BulkPlan } from "./plan";
import { allChildren, compileSerializer } from "./project";

export type Indices = { lo: number; hi: number } | number[];

export interface SerializedBatch {
  text: string;
  /** Lines written (roots and children). */
  objects: number;
  roots: number;
}

function recordAt(store: ShopStore, root: BulkPlan["root"], i: number): Record<string, unknown> | null {
  if (root === "orders") {
    const o = store.liveOrder(i);
    return o ? (orderObject(store, o) as unknown as Record<string, unknown>) : null;
  }
  if (root === "customers") {
    const c = store.customer(i);
    return c ? (customerObject(store, c) as unknown as Record<string, unknown>) : null;
  }
  const p = store.products[i];
  return p ? (productObject(store, p) as unknown as Record<string, unknown>) : null;
}

/**
 * JSONL for a run of root records: each root on its own line, each nested connection's nodes on
 * lines of their own carrying __parentId. Unless grouped, a root's children are written after the
 * next root, so readers must join on __parentId rather than on position (as with Shopify).
 */
type Serializer = (v: Record<string, unknown>, extra?: string) => string;
const compiled = new WeakMap<BulkPlan, { root: Serializer; children: Serializer[] }>();

function serializersFor(plan: BulkPlan) {
  let s = compiled.get(plan);
  if (!s) compiled.set(plan, (s = { root: compileSerializer(plan.plan), children: plan.plan.children.map((c) => compileSerializer(c.plan)) }));
  return s;
}

export function serializeBatch(store: ShopStore, plan: BulkPlan, indices: Indices, groupObjects: boolean): SerializedBatch {
  const serialize = serializersFor(plan);
  // One growing string (V8 ropes) rather than an array to join.
  let out = "";
  let pending = "";
  let objects = 0;
  let roots = 0;
  const visit = (i: number) => {
    const obj = recordAt(store, plan.root, i);
    if (!obj) return;
    out += `${serialize.root(obj)}\n`;
    if (!groupObjects) out += pending;
    pending = "";
    const parent = `"__parentId":${JSON.stringify(obj.id)}`;
    const children = plan.plan.children;
    for (let k = 0; k < children.length; k++) {
      const child = children[k]!;
      const nodes = allChildren(obj, child.name, child.args);
      for (let n = 0; n < nodes.length; n++) {
        const childLine = `${serialize.children[k]!(nodes[n]!, parent)}\n`;
        if (groupObjects) out += childLine;
        else pending += childLine;
        objects++;
      }
    }
    objects++;
    roots++;
  };
  if (Array.isArray(indices)) for (const i of indices) visit(i);
  else for (let i = indices.lo; i < indices.hi; i++) visit(i);
  out += pending;
  return { text: out, objects, roots };
}

/** Splits an index run into batches of `size` roots. */
export function splitIndices(indices: Indices, size: number): Indices[] {
  const batches: Indices[] = [];
  if (Array.isArray(indices)) for (let k = 0; k < indices.length; k += size) batches.push(indices.slice(k, k + size));
  else for (let lo = indices.lo; lo < indices.hi; lo += size) batches.push({ lo, hi: Math.min(indices.hi, lo + size) });
  return batches;
}
