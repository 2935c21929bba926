import { lowerBound, type ShopStore } from "../store/shop-store";
import type { CustomerRec, OrderRec, ProductRec } from "../store/types";
import { ID_BASE } from "../store/types";
import { type ConnectionArgs, indexSource, listSource, type OrderedSource } from "./connection";
import { inRange, parseSearch, type Range } from "./search";

/**
 * Ordered, filtered views of a shop's orders, customers and products for connections and counts.
 * Index order is creation order (and id order), so ID/CREATED_AT/PROCESSED_AT sorts and
 * created_at filters are index ranges; UPDATED_AT sorts and updated_at filters list candidates.
 */

type Kind<T> = {
  size: number;
  get: (i: number) => T | null;
  createdAtOf: (i: number) => number;
  updatedBetween: (from: number, to: number) => number[];
  updatedAt: (t: T) => number;
  /** Deleted records with an index in [lo, hi). */
  missingIn: (lo: number, hi: number) => number;
  idBase: number;
};

function rangeOf(size: number, createdAtOf: (i: number) => number, created: Range | null, id: Range | null, idBase: number): [number, number] {
  let lo = 0;
  let hi = size;
  if (created) {
    lo = Math.max(lo, lowerBound(size, createdAtOf, created.from));
    hi = Math.min(hi, lowerBound(size, createdAtOf, created.to));
  }
  if (id) {
    lo = Math.max(lo, Math.ceil(id.from - idBase));
    hi = Math.min(hi, Math.ceil(id.to - idBase));
  }
  return [Math.max(0, lo), Math.max(0, hi)];
}

export interface View<T> {
  source: OrderedSource<T>;
  count: () => number;
  /** The records' indices in order: a range, or a list (filtered or re-sorted). */
  indices: { lo: number; hi: number } | number[];
}

function viewOf<T>(kind: Kind<T>, args: ConnectionArgs): View<T> {
  const filter = parseSearch(args.query);
  const [lo, hi] = rangeOf(kind.size, kind.createdAtOf, filter.createdAt, filter.id, kind.idBase);
  const byUpdated = args.sortKey === "UPDATED_AT";
  if (!byUpdated && !filter.updatedAt) {
    const source = indexSource(lo, hi, kind.get);
    return { source, count: () => hi - lo - kind.missingIn(lo, hi), indices: { lo, hi } };
  }
  const candidates = filter.updatedAt ? kind.updatedBetween(filter.updatedAt.from, filter.updatedAt.to) : range(lo, hi);
  const items: { key: number[]; node: T }[] = [];
  for (const i of candidates) {
    if (i < lo || i >= hi) continue;
    const node = kind.get(i);
    if (node === null) continue;
    items.push({ key: byUpdated ? [kind.updatedAt(node), i] : [i], node });
  }
  if (byUpdated) items.sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]!);
  return { source: listSource(items), count: () => items.length, indices: items.map((it) => it.key.at(-1)!) };
}

function range(lo: number, hi: number): number[] {
  return Array.from({ length: Math.max(0, hi - lo) }, (_, k) => lo + k);
}

export function orderView(store: ShopStore, args: ConnectionArgs) {
  return viewOf<OrderRec>(
    {
      size: store.orderTotal,
      get: (i) => store.liveOrder(i),
      createdAtOf: (i) => store.orderCreatedAtIndex(i),
      updatedBetween: (from, to) => store.ordersUpdatedBetween(from, to),
      updatedAt: (o) => o.updatedAt,
      missingIn: (lo, hi) => store.deletedOrdersIn(lo, hi),
      idBase: ID_BASE.order,
    },
    args,
  );
}

export function customerView(store: ShopStore, args: ConnectionArgs) {
  return viewOf<CustomerRec>(
    {
      size: store.customerSlots,
      get: (i) => store.customer(i),
      createdAtOf: (i) => store.customerCreatedAtIndex(i),
      updatedBetween: (from, to) => store.customersUpdatedBetween(from, to),
      updatedAt: (c) => c.updatedAt,
      missingIn: (lo, hi) => store.deletedCustomersIn(lo, hi),
      idBase: ID_BASE.customer,
    },
    args,
  );
}

export function productView(store: ShopStore, args: ConnectionArgs) {
  const filter = parseSearch(args.query);
  const byUpdated = args.sortKey === "UPDATED_AT";
  const items = store.products
    .filter((p): p is ProductRec => p !== null)
    .filter((p) => inRange(filter.createdAt, p.createdAt) && inRange(filter.updatedAt, p.updatedAt) && inRange(filter.id, p.id))
    .map((p) => ({ key: byUpdated ? [p.updatedAt, p.index] : [p.index], node: p }));
  if (byUpdated) items.sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]!);
  return { source: listSource(items), count: () => items.length, indices: items.map((it) => it.node.index) };
}
