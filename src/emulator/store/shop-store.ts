import { customerCreatedAt, generateCustomer, generateOrder, generateProduct, MAX_CUSTOMER_UPDATE_LAG, MAX_ORDER_UPDATE_LAG, orderCreatedAt } from "./generator";
import { applyOrder, emptyTotals, renderTruth, type Totals, type Truth } from "./truth";
import { type CustomerRec, ID_BASE, type OrderRec, type ProductRec, type StoreSpec, type VariantRec } from "./types";

/** First index in [0, n) whose value is >= target, for a non-decreasing function. */
export function lowerBound(n: number, valueAt: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Everything a ShopStore holds beyond its spec: enough to rebuild it elsewhere (a bulk worker thread). */
export interface StoreSnapshot {
  spec: StoreSpec;
  orderOverrides: [number, OrderRec][];
  createdOrders: OrderRec[];
  customerOverrides: [number, CustomerRec | null][];
  createdCustomers: CustomerRec[];
  deletedCustomers: number;
  /** Indices of deleted orders. */
  deletedOrders?: number[];
  /** Only products changed since generation (index → record, null when deleted). */
  productChanges: [number, ProductRec | null][];
}

/**
 * Records whose updatedAt falls in [from, to): generated ones can only be updated within `lag` of
 * their creation (so the scan starts there), mutated ones anywhere (so they are checked apart).
 */
function updatedBetween(c: {
  size: number;
  createdAt: (i: number) => number;
  updatedAt: (i: number) => number;
  overridden: Iterable<number>;
  lag: number;
  from: number;
  to: number;
}): number[] {
  const start = lowerBound(c.size, c.createdAt, c.from - c.lag);
  const hits = new Set<number>();
  for (const i of c.overridden) {
    if (i >= start) continue;
    const u = c.updatedAt(i);
    if (u >= c.from && u < c.to) hits.add(i);
  }
  for (let i = start; i < c.size; i++) {
    const u = c.updatedAt(i);
    if (u >= c.from && u < c.to) hits.add(i);
  }
  return [...hits].sort((a, b) => a - b);
}

/**
 * A shop's data: generated records (a pure function of the spec and the index, never all held in
 * memory) plus an overlay of everything mutated or created since. Products are few and kept whole.
 */
export class ShopStore {
  readonly spec: StoreSpec;
  readonly products: (ProductRec | null)[];
  private readonly variants = new Map<number, { product: ProductRec; variant: VariantRec }>();
  private readonly orderOverrides = new Map<number, OrderRec>();
  private readonly createdOrders: OrderRec[] = [];
  /** Indices of orders deleted since generation (their records stay, unreachable, so ids are never reused). */
  private readonly deletedOrders = new Set<number>();
  private readonly customerOverrides = new Map<number, CustomerRec | null>();
  private readonly createdCustomers: CustomerRec[] = [];
  private deletedCustomers = 0;
  private readonly changedProducts = new Set<number>();
  private totals: Totals | undefined;
  /** Computed on first use (one pass over the orders), then kept up to date. */
  private customersWithOrders: Set<number> | undefined;
  private lastStamp = 0;

  constructor(
    spec: StoreSpec,
    private readonly clock: () => number = Date.now,
  ) {
    this.spec = spec;
    this.products = Array.from({ length: spec.products }, (_, p) => generateProduct(spec, p));
    this.baseCatalog = this.products.slice() as ProductRec[];
    for (const p of this.products) if (p) this.indexVariants(p);
  }

  snapshot(): StoreSnapshot {
    return {
      spec: this.spec,
      orderOverrides: [...this.orderOverrides],
      createdOrders: this.createdOrders,
      customerOverrides: [...this.customerOverrides],
      createdCustomers: this.createdCustomers,
      deletedCustomers: this.deletedCustomers,
      deletedOrders: [...this.deletedOrders],
      productChanges: [...this.changedProducts].map((i) => [i, this.products[i] ?? null]),
    };
  }

  static fromSnapshot(s: StoreSnapshot): ShopStore {
    const store = new ShopStore(s.spec);
    for (const [i, o] of s.orderOverrides) store.orderOverrides.set(i, o);
    store.createdOrders.push(...s.createdOrders);
    for (const [i, c] of s.customerOverrides) store.customerOverrides.set(i, c);
    store.createdCustomers.push(...s.createdCustomers);
    store.deletedCustomers = s.deletedCustomers;
    for (const i of s.deletedOrders ?? []) store.deletedOrders.add(i);
    // Generated products are rebuilt locally (cheaper to use than cloned ones); only changes travel.
    for (const [i, p] of s.productChanges) {
      if (p) store.putProduct(p);
      else store.deleteProduct(i);
    }
    return store;
  }

  /** A strictly increasing timestamp for a mutation, always after the generated history. */
  stamp(): number {
    const now = Math.floor(this.clock() / 1000) * 1000;
    this.lastStamp = Math.max(now, this.spec.endAt + 1000, this.lastStamp + 1000);
    return this.lastStamp;
  }

  /**
   * The shop's current time for an event (a webhook's X-Shopify-Triggered-At): its clock, or the last
   * mutation's stamp when a burst of mutations has run the stamps ahead of the clock — so an event is
   * never earlier than the change it reports (a deletion never before the update it follows).
   */
  eventTime(): number {
    return Math.max(this.clock(), this.lastStamp);
  }

  // ---- orders -------------------------------------------------------------------------------

  get orderTotal(): number {
    return this.spec.orders + this.createdOrders.length;
  }

  order(i: number): OrderRec {
    const override = this.orderOverrides.get(i);
    if (override) return override;
    return i < this.spec.orders ? generateOrder(this.spec, this.catalog(), i) : this.createdOrders[i - this.spec.orders]!;
  }

  orderById(id: number): OrderRec | undefined {
    const i = id - ID_BASE.order;
    return Number.isInteger(i) && i >= 0 && i < this.orderTotal && !this.deletedOrders.has(i) ? this.order(i) : undefined;
  }

  /** The order at an index, or null when it was deleted. */
  liveOrder(i: number): OrderRec | null {
    return this.deletedOrders.has(i) ? null : this.order(i);
  }

  /** How many orders are live. */
  get orderCount(): number {
    return this.orderTotal - this.deletedOrders.size;
  }

  deletedOrdersIn(lo: number, hi: number): number {
    let n = 0;
    for (const i of this.deletedOrders) if (i >= lo && i < hi) n++;
    return n;
  }

  /** Shopify deletes the order (its line items and refunds with it); its id is never used again. */
  deleteOrder(i: number): void {
    if (i < 0 || i >= this.orderTotal || this.deletedOrders.has(i)) return;
    if (this.totals) applyOrder(this.totals, this.order(i), -1);
    this.deletedOrders.add(i);
  }

  orderCreatedAtIndex(i: number): number {
    return i < this.spec.orders ? orderCreatedAt(this.spec, i) : this.createdOrders[i - this.spec.orders]!.createdAt;
  }

  /** Indices of orders created in [from, to): a contiguous range, since creation time grows with the index. */
  orderRangeCreated(from = -Infinity, to = Infinity): [number, number] {
    const at = (i: number) => this.orderCreatedAtIndex(i);
    return [lowerBound(this.orderTotal, at, from), lowerBound(this.orderTotal, at, to)];
  }

  /** Indices of orders with updatedAt in [from, to), ascending by index. */
  ordersUpdatedBetween(from: number, to = Infinity): number[] {
    return updatedBetween({
      size: this.orderTotal,
      createdAt: (i) => this.orderCreatedAtIndex(i),
      updatedAt: (i) => this.order(i).updatedAt,
      overridden: this.orderOverrides.keys(),
      lag: MAX_ORDER_UPDATE_LAG,
      from,
      to,
    });
  }

  /** Whether any order names this customer (Shopify refuses to delete such a customer). */
  customerHasOrders(id: number): boolean {
    if (!this.customersWithOrders) {
      const ids = new Set<number>();
      for (let i = 0; i < this.orderTotal; i++) {
        const c = this.order(i).customerId;
        if (c !== null) ids.add(c);
      }
      this.customersWithOrders = ids;
    }
    return this.customersWithOrders.has(id);
  }

  putOrder(order: OrderRec): void {
    if (order.customerId !== null) this.customersWithOrders?.add(order.customerId);
    const totals = this.totals;
    if (order.index < this.orderTotal) {
      if (totals) applyOrder(totals, this.order(order.index), -1);
      if (order.index < this.spec.orders) this.orderOverrides.set(order.index, order);
      else this.createdOrders[order.index - this.spec.orders] = order;
    } else {
      this.createdOrders.push(order);
    }
    if (totals) applyOrder(totals, order, 1);
  }

  // ---- customers ----------------------------------------------------------------------------

  get customerSlots(): number {
    return this.spec.customers + this.createdCustomers.length;
  }

  get customerCount(): number {
    return this.customerSlots - this.deletedCustomers;
  }

  /** Null when deleted. */
  customer(i: number): CustomerRec | null {
    if (this.customerOverrides.has(i)) return this.customerOverrides.get(i)!;
    return i < this.spec.customers ? generateCustomer(this.spec, i) : (this.createdCustomers[i - this.spec.customers] ?? null);
  }

  customerById(id: number): CustomerRec | null {
    const i = id - ID_BASE.customer;
    return Number.isInteger(i) && i >= 0 && i < this.customerSlots ? this.customer(i) : null;
  }

  /** Whether a live customer has this id, without generating its record. */
  customerExists(id: number): boolean {
    const i = id - ID_BASE.customer;
    if (!Number.isInteger(i) || i < 0 || i >= this.customerSlots) return false;
    return this.customerOverrides.has(i) ? this.customerOverrides.get(i) !== null : i < this.spec.customers || this.createdCustomers[i - this.spec.customers] !== undefined;
  }

  customerCreatedAtIndex(i: number): number {
    return i < this.spec.customers ? customerCreatedAt(this.spec, i) : this.createdCustomers[i - this.spec.customers]!.createdAt;
  }

  /** Indices of live customers with updatedAt in [from, to), ascending. */
  customersUpdatedBetween(from: number, to = Infinity): number[] {
    return updatedBetween({
      size: this.customerSlots,
      createdAt: (i) => this.customerCreatedAtIndex(i),
      updatedAt: (i) => this.customer(i)?.updatedAt ?? -Infinity,
      overridden: this.customerOverrides.keys(),
      lag: MAX_CUSTOMER_UPDATE_LAG,
      from,
      to,
    });
  }

  putCustomer(customer: CustomerRec): void {
    if (customer.index < this.spec.customers) this.customerOverrides.set(customer.index, customer);
    else if (customer.index < this.customerSlots) this.createdCustomers[customer.index - this.spec.customers] = customer;
    else this.createdCustomers.push(customer);
  }

  deletedCustomersIn(lo: number, hi: number): number {
    let n = 0;
    for (const [i, c] of this.customerOverrides) if (c === null && i >= lo && i < hi) n++;
    return n;
  }

  deleteCustomer(i: number): void {
    if (!this.customer(i)) return;
    this.customerOverrides.set(i, null);
    this.deletedCustomers++;
  }

  // ---- products -----------------------------------------------------------------------------

  get productCount(): number {
    return this.products.reduce((n, p) => n + (p ? 1 : 0), 0);
  }

  productById(id: number): ProductRec | null {
    return this.products[id - ID_BASE.product] ?? null;
  }

  variantById(id: number): { product: ProductRec; variant: VariantRec } | undefined {
    // Variant ids are base + product index × 8 + position: arithmetic first, the map as the check.
    const offset = id - ID_BASE.variant;
    const product = this.products[Math.floor(offset / 8)];
    const variant = product?.variants[offset % 8];
    if (product && variant?.id === id) return { product, variant };
    return this.variants.get(id);
  }

  putProduct(product: ProductRec): void {
    this.products[product.index] = product;
    this.changedProducts.add(product.index);
    this.indexVariants(product);
  }

  deleteProduct(index: number): void {
    this.products[index] = null;
    this.changedProducts.add(index);
  }

  /** The catalog generated orders draw from: products as first generated (records are replaced, never mutated). */
  private readonly baseCatalog: ProductRec[];
  private catalog(): ProductRec[] {
    return this.baseCatalog;
  }

  private indexVariants(product: ProductRec): void {
    for (const variant of product.variants) this.variants.set(variant.id, { product, variant });
  }

  // ---- truth --------------------------------------------------------------------------------

  /** Counts and exact totals consistent with every mutation so far (computed once, then kept up to date). */
  truth(): Truth {
    if (!this.totals) {
      const totals = emptyTotals();
      for (let i = 0; i < this.orderTotal; i++) if (!this.deletedOrders.has(i)) applyOrder(totals, this.order(i), 1);
      this.totals = totals;
    }
    return renderTruth(this.totals, this.customerCount, this.productCount);
  }
}
