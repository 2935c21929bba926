import { describe, expect, it } from "vitest";
import { formatCents, parseCents } from "./money";
import { orderView } from "../admin/sources";
import { cancelOrder, createCustomer, createOrder, deleteCustomer, deleteOrder, refundOrder, StoreInputError, updateOrder } from "./mutations";
import { shopRecords } from "./records";
import { ShopStore } from "./shop-store";
import { applyOrder, emptyTotals, renderTruth } from "./truth";
import type { StoreSpec } from "./types";

const DAY = 86_400_000;
const END = Date.UTC(2026, 9, 1);
const spec = (seed = 42, orders = 2_000): StoreSpec => ({ seed, orders, customers: 500, products: 40, startAt: END - 365 * DAY, endAt: END, currencies: ["USD", "EUR", "GBP"] });

/** The truth recomputed from scratch, to check the store's incremental bookkeeping against. */
function recount(store: ShopStore) {
  const totals = emptyTotals();
  for (let i = 0; i < store.orderTotal; i++) applyOrder(totals, store.order(i), 1);
  return renderTruth(totals, store.customerCount, store.productCount);
}

describe("ShopStore", () => {
  it("generates the same records from the same seed, and different ones from another", () => {
    const a = new ShopStore(spec(42));
    const b = new ShopStore(spec(42));
    const c = new ShopStore(spec(43));
    expect(JSON.stringify(a.order(1234))).toBe(JSON.stringify(b.order(1234)));
    expect(JSON.stringify(a.customer(77))).toBe(JSON.stringify(b.customer(77)));
    expect(JSON.stringify(a.order(1234))).not.toBe(JSON.stringify(c.order(1234)));
    expect(a.truth()).toEqual(b.truth());
  });

  it("builds internally consistent orders: money adds up, ids are unique, time flows forward", () => {
    const store = new ShopStore(spec());
    const lineIds = new Set<number>();
    let previous = 0;
    for (let i = 0; i < store.orderTotal; i++) {
      const o = store.order(i);
      const lines = o.lineItems.reduce((n, l) => n + l.unitCents * l.quantity, 0);
      expect(o.subtotalCents).toBe(lines - o.discountCents);
      expect(o.totalCents).toBe(o.subtotalCents + o.taxCents + o.shippingCents);
      expect(o.refunds.reduce((n, r) => n + r.amountCents, 0)).toBeLessThanOrEqual(o.totalCents);
      expect(o.createdAt).toBeGreaterThanOrEqual(previous);
      expect(o.updatedAt).toBeGreaterThanOrEqual(o.createdAt);
      expect(o.updatedAt).toBeLessThanOrEqual(END);
      previous = o.createdAt;
      for (const l of o.lineItems) {
        expect(lineIds.has(l.id)).toBe(false);
        lineIds.add(l.id);
      }
    }
  });

  it("has identity edge cases: guests, and customers sharing an email", () => {
    const store = new ShopStore({ ...spec(), customers: 3_000 });
    let guests = 0;
    for (let i = 0; i < store.orderTotal; i++) if (store.order(i).customerId === null) guests++;
    const emails = new Map<string, number>();
    for (let i = 0; i < 3_000; i++) {
      const e = store.customer(i)!.email;
      if (e) emails.set(e, (emails.get(e) ?? 0) + 1);
    }
    expect(guests).toBeGreaterThan(0);
    expect([...emails.values()].some((n) => n > 1)).toBe(true);
  });

  it("keeps the truth equal to a full recount through any series of mutations", () => {
    let clock = END + DAY;
    const store = new ShopStore(spec(), () => (clock += 1000));
    expect(store.truth()).toEqual(recount(store));
    const variant = store.products[0]!.variants[0]!.id;
    const created = createOrder(store, { lineItems: [{ variantId: variant, quantity: 3 }], currency: "EUR" });
    refundOrder(store, created.id, { lines: [{ lineItemId: created.lineItems[0]!.id, quantity: 2 }] });
    for (let i = 0; i < 50; i++) {
      const id = store.order((i * 37) % 2000).id;
      if (i % 3 === 0) updateOrder(store, id, { note: `n${i}` });
      else if (i % 3 === 1 && !store.orderById(id)!.cancelledAt) cancelOrder(store, id);
      else {
        const o = store.orderById(id)!;
        const line = o.lineItems[0]!;
        const refunded = o.refunds.flatMap((r) => r.lines).filter((l) => l.lineItemId === line.id).reduce((n, l) => n + l.quantity, 0);
        if (!o.cancelledAt && refunded < line.quantity) refundOrder(store, id, { lines: [{ lineItemId: line.id, quantity: 1 }] });
      }
    }
    const customer = createCustomer(store, { email: "NEW@Example.test", firstName: "New" });
    // As in Shopify, a customer with orders cannot be deleted; one without can.
    expect(() => deleteCustomer(store, store.customer(0)!.id)).toThrowError(new StoreInputError("id", `Customer ${store.customer(0)!.id} has orders and cannot be deleted`));
    const loner = createCustomer(store, { lastName: "Loner" });
    deleteCustomer(store, loner.id);
    const truth = store.truth();
    expect(truth).toEqual(recount(store));
    expect(truth.counts.orders).toBe(2_001);
    expect(truth.counts.customers).toBe(501);
    expect(store.customerById(customer.id)!.email).toBe("new@example.test");
    // Mutations are stamped after the generated history and in order.
    expect(store.orderById(created.id)!.updatedAt).toBeGreaterThan(END);
  });

  it("dates events no earlier than the changes they report, when a burst of mutations runs ahead of the clock", () => {
    const clock = END + DAY + 250; // a clock that stands still: every mutation in the same second
    const store = new ShopStore(spec(), () => clock);
    expect(store.eventTime()).toBe(clock);
    const loner = createCustomer(store, { lastName: "Loner" });
    const changed = [0, 1, 2].map(() => updateOrder(store, store.order(7).id, { note: "again" }).updatedAt);
    expect(changed[2]).toBeGreaterThan(clock); // stamped strictly in order, so ahead of the clock
    expect(store.eventTime()).toBe(changed[2]);
    // A deletion is stamped too: its event comes after every change before it.
    deleteCustomer(store, loner.id);
    expect(store.eventTime()).toBeGreaterThan(changed[2]!);
  });

  it("finds orders updated in a window, including ones mutated long after they were created", () => {
    let clock = END + DAY;
    const store = new ShopStore(spec(), () => (clock += 1000));
    const old = store.order(5);
    updateOrder(store, old.id, { note: "late change" });
    const recent = store.ordersUpdatedBetween(END + 1);
    expect(recent).toEqual([5]);
    const window = store.ordersUpdatedBetween(END - 7 * DAY, END + 1);
    const brute = Array.from({ length: store.orderTotal }, (_, i) => i).filter((i) => store.order(i).updatedAt >= END - 7 * DAY && store.order(i).updatedAt < END + 1);
    expect(window).toEqual(brute);
  });

  it("deletes an order: gone from lookups, listings, counts, records and the truth, its id never reused", () => {
    const store = new ShopStore(spec(42, 300));
    const before = store.truth();
    const victim = store.order(120);
    expect(deleteOrder(store, victim.id).id).toBe(victim.id);
    expect(store.orderById(victim.id)).toBeUndefined();
    expect(() => deleteOrder(store, victim.id)).toThrow(StoreInputError);
    expect(store.orderCount).toBe(299);
    expect(orderView(store, {}).count()).toBe(299);
    const listed: number[] = [];
    for (const r of shopRecords(store, "orders")) listed.push((r as { id: number }).id);
    expect(listed).toHaveLength(299);
    expect(listed).not.toContain(victim.id);
    const truth = store.truth();
    expect(truth.counts.orders).toBe(before.counts.orders - 1);
    expect(truth.money.USD!.total).toBe(formatCents(parseCents(before.money.USD!.total) - victim.totalCents));
    // A new order takes the next id, not the deleted one's.
    const created = createOrder(store, { lineItems: [{ variantId: store.products[0]!.variants[0]!.id, quantity: 1 }] });
    expect(created.id).toBe(store.order(300).id);
  });

  it("names the field a bad mutation got wrong", () => {
    const store = new ShopStore(spec());
    expect(() => createOrder(store, { lineItems: [{ variantId: 1, quantity: 1 }] })).toThrowError(new StoreInputError("lineItems.0.variantId", "Variant 1 does not exist"));
    const o = store.order(1);
    expect(() => refundOrder(store, o.id, { lines: [{ lineItemId: o.lineItems[0]!.id, quantity: 99 }] })).toThrow(StoreInputError);
  });
});

describe("money", () => {
  it("formats and parses exact decimals", () => {
    expect(formatCents(123456)).toBe("1234.56");
    expect(formatCents(5)).toBe("0.05");
    expect(formatCents(-250)).toBe("-2.50");
    expect(parseCents("12.3")).toBe(1230);
    expect(parseCents("0.07")).toBe(7);
    expect(() => parseCents("1.234")).toThrow('Invalid money amount "1.234"');
  });
});
