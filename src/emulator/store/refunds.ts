import type { Rng } from "./random";
import { presentmentCents } from "./money";
import { ID_BASE, MAX_REFUNDS_PER_ORDER, MAX_TRANSACTIONS_PER_REFUND, type OrderRec, type RefundLineRec, type RefundRec, type RefundTransactionRec } from "./types";

/**
 * A refund as Shopify records one: its lines (what was calculated), an order adjustment for any
 * difference from what was returned, and the transactions that returned it — in the presentment
 * currency, the successful ones adding up to the lines less the adjustment there. With `rng`, some
 * refunds also carry a failed attempt before the successful one, or a refund still pending.
 */
export function makeRefund(
  order: Pick<OrderRec, "index" | "currency" | "presentmentCurrency">,
  slot: number,
  input: { createdAt: number; note: string | null; lines: RefundLineRec[]; amountCents: number },
  rng?: Rng,
): RefundRec {
  const id = ID_BASE.refund + order.index * MAX_REFUNDS_PER_ORDER + slot;
  const calculated = input.lines.reduce((n, l) => n + l.subtotalCents, 0);
  const difference = calculated - input.amountCents;
  const adjustments = difference === 0 ? [] : [{ id: ID_BASE.adjustment + order.index * MAX_REFUNDS_PER_ORDER + slot, shopCents: difference }];
  const p = (cents: number) => presentmentCents(cents, order.currency, order.presentmentCurrency);
  const returned = input.lines.reduce((n, l) => n + p(l.subtotalCents), 0) - adjustments.reduce((n, a) => n + p(a.shopCents), 0);
  const transactionId = (k: number) => ID_BASE.transaction + (order.index * MAX_REFUNDS_PER_ORDER + slot) * MAX_TRANSACTIONS_PER_REFUND + k;
  const transactions: RefundTransactionRec[] = [];
  if (rng?.chance(0.2)) transactions.push({ id: transactionId(transactions.length), status: "failure", presentmentCents: returned });
  transactions.push({ id: transactionId(transactions.length), status: "success", presentmentCents: returned });
  if (rng?.chance(0.1)) transactions.push({ id: transactionId(transactions.length), status: "pending", presentmentCents: p(rng.int(1, 20) * 100) });
  return { id, createdAt: input.createdAt, note: input.note, lines: input.lines, adjustments, transactions, amountCents: input.amountCents };
}

/** What a refund returned in the presentment currency: its successful transactions. */
export function refundPresentmentCents(r: RefundRec): number {
  let n = 0;
  for (const t of r.transactions) if (t.status === "success") n += t.presentmentCents;
  return n;
}
