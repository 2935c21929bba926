import { formatCents } from "./money";
import { type OrderRec, refundTotal } from "./types";

/** Running totals per currency, kept exact in cents. */
export interface Totals {
  orders: number;
  lineItems: number;
  refunds: number;
  perCurrency: Map<string, { orders: number; totalCents: number; refundedCents: number }>;
}

export function emptyTotals(): Totals {
  return { orders: 0, lineItems: 0, refunds: 0, perCurrency: new Map() };
}

/** Adds (sign 1) or removes (sign -1) one order's contribution. */
export function applyOrder(totals: Totals, order: OrderRec, sign: 1 | -1): void {
  totals.orders += sign;
  totals.lineItems += sign * order.lineItems.length;
  totals.refunds += sign * order.refunds.length;
  let c = totals.perCurrency.get(order.currency);
  if (!c) totals.perCurrency.set(order.currency, (c = { orders: 0, totalCents: 0, refundedCents: 0 }));
  c.orders += sign;
  c.totalCents += sign * order.totalCents;
  c.refundedCents += sign * refundTotal(order);
}

export interface Truth {
  counts: { orders: number; customers: number; products: number; lineItems: number; refunds: number };
  /** Exact decimal strings per currency. */
  money: Record<string, { orders: number; total: string; refunded: string; net: string }>;
}

export function renderTruth(totals: Totals, customers: number, products: number): Truth {
  const money: Truth["money"] = {};
  for (const [currency, c] of [...totals.perCurrency.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (c.orders === 0) continue;
    money[currency] = {
      orders: c.orders,
      total: formatCents(c.totalCents),
      refunded: formatCents(c.refundedCents),
      net: formatCents(c.totalCents - c.refundedCents),
    };
  }
  return { counts: { orders: totals.orders, customers, products, lineItems: totals.lineItems, refunds: totals.refunds }, money };
}
