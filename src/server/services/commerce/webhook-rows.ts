import type { z } from "zod";
import { MalformedDataError } from "../../errors";
import { customerBody, deletedBody, type MoneySet, orderBody, parseBody, productBody, refundBody } from "./payloads";
import { amountUnits, type CustomerRow, type OrderRows, type ProductRows, type RefundRow, sumAmounts, unitsAmount } from "./rows";

/**
 * Shopify's webhook bodies (REST shapes) → our rows: pure functions, one per record shape. A body
 * missing what we need throws MalformedDataError naming `topic` and the field.
 *
 * Money is the shop's currency, as the GraphQL paths read it (`shopMoney`): the `*_set.shop_money`
 * amount where the body has one, else the plain field (which REST gives in the shop's currency,
 * all but refund transactions). A refund is what its successful refund transactions returned
 * (`kind: "refund"`, `status: "success"`; failed and pending ones moved no money) — what Shopify's
 * `Refund.totalRefundedSet` counts — in the shop's currency (`refundShopAmount`).
 */

type RefundBody = z.output<typeof refundBody>;

/** The shop-money amount of a `*_set` field, else the plain field's. */
const shopAmount = (set: MoneySet | null | undefined, plain: string) => set?.shop_money.amount ?? plain;

/** `a × num / den`, rounded half away from zero to the cent (in ten-thousandths). */
function scaled(a: bigint, num: bigint, den: bigint): bigint {
  const q = (a * num * 2n) / (den * 100n);
  const rounded = q >= 0n ? (q + 1n) / 2n : (q - 1n) / 2n;
  return rounded * 100n;
}

/**
 * A refund's money in the shop's currency. Its successful refund transactions are summed; they are in
 * the presentment currency. When that is the shop's own, they are the answer. Otherwise the refund's
 * own two-currency amounts convert them: line items (subtotal and tax) and shipping lines, less order
 * adjustments (Shopify's record of the difference between the calculated and the returned amount —
 * a refunded shipping charge before 2024-10, or a discrepancy), make up what was returned; when the
 * transactions returned exactly that, its shop amount is the answer, and otherwise the transactions
 * are converted at its rate (else the order's, `orderRate`). Adjustments are thus never added to the
 * transactions, only used to convert them.
 */
export function refundShopAmount(r: RefundBody, shop: { currency?: string | null; orderRate?: { shop: string; presentment: string } | null } = {}): string {
  const paid = r.transactions.filter((t) => t.kind === "refund" && t.status === "success");
  if (!paid.length) return "0.0000";
  const presentment = paid.reduce((n, t) => n + amountUnits(t.amount), 0n);
  const parts: [MoneySet | null | undefined, bigint][] = [];
  for (const l of r.refund_line_items) parts.push([l.subtotal_set, 1n], [l.total_tax_set, 1n]);
  for (const s of r.refund_shipping_lines ?? []) parts.push([s.subtotal_amount_set, 1n]);
  for (const a of r.order_adjustments) parts.push([a.amount_set, -1n], [a.tax_amount_set, -1n]);
  const sets = parts.filter((p): p is [MoneySet, bigint] => Boolean(p[0]?.presentment_money));
  const shopCurrency = shop.currency ?? sets[0]?.[0].shop_money.currency_code ?? null;
  const currencies = new Set(paid.map((t) => t.currency ?? shopCurrency));
  if (currencies.size === 1 && (shopCurrency === null || currencies.has(shopCurrency))) return unitsAmount(presentment);
  let shopSum = 0n;
  let presentmentSum = 0n;
  for (const [set, sign] of sets) {
    shopSum += sign * amountUnits(set.shop_money.amount);
    presentmentSum += sign * amountUnits(set.presentment_money!.amount);
  }
  if (presentmentSum !== 0n && presentmentSum === presentment) return unitsAmount(shopSum);
  if (presentmentSum !== 0n) return unitsAmount(scaled(presentment, shopSum, presentmentSum));
  const rate = shop.orderRate;
  if (rate && amountUnits(rate.presentment) !== 0n) return unitsAmount(scaled(presentment, amountUnits(rate.shop), amountUnits(rate.presentment)));
  throw new MalformedDataError(`refund ${r.id}: transactions in ${[...currencies].join(", ")} and no amounts in ${shopCurrency ?? "the shop's currency"} to convert them with`);
}

function refundRow(r: RefundBody, shop?: Parameters<typeof refundShopAmount>[1]): RefundRow {
  return { shopifyId: r.id, orderShopifyId: r.order_id, amount: refundShopAmount(r, shop), createdAt: r.created_at ?? null };
}

/** orders/create, orders/updated, orders/cancelled. */
export function orderRowsFromWebhook(body: unknown, topic = "orders/updated"): OrderRows {
  const o = parseBody(orderBody, body, topic);
  const total = o.total_price_set;
  const orderRate = total?.presentment_money ? { shop: total.shop_money.amount, presentment: total.presentment_money.amount } : null;
  const refunds = o.refunds.map((r) => {
    try {
      return refundRow(r, { currency: o.currency, orderRate });
    } catch (err) {
      throw err instanceof MalformedDataError ? new MalformedDataError(`${topic} body: ${err.detail}`) : err;
    }
  });
  return {
    order: {
      shopifyId: o.id,
      name: o.name ?? null,
      email: o.email ?? null,
      phone: o.phone ?? null,
      customerShopifyId: o.customer?.id ?? null,
      currency: total?.shop_money.currency_code ?? o.currency,
      subtotal: o.subtotal_price_set?.shop_money.amount ?? o.subtotal_price ?? null,
      tax: o.total_tax_set?.shop_money.amount ?? o.total_tax ?? null,
      discounts: o.total_discounts_set?.shop_money.amount ?? o.total_discounts ?? null,
      total: shopAmount(total, o.total_price),
      refunded: sumAmounts(refunds.map((r) => r.amount)),
      financialStatus: o.financial_status ?? null,
      fulfillmentStatus: o.fulfillment_status ?? null,
      cancelledAt: o.cancelled_at ?? null,
      processedAt: o.processed_at ?? null,
      createdAt: o.created_at,
      updatedAt: o.updated_at,
    },
    lines: o.line_items.map((l) => ({
      shopifyId: l.id,
      orderShopifyId: o.id,
      productShopifyId: l.product_id ?? null,
      variantShopifyId: l.variant_id ?? null,
      title: l.title ?? null,
      sku: l.sku ?? null,
      quantity: l.quantity,
      price: shopAmount(l.price_set, l.price),
    })),
    refunds,
  };
}

/** refunds/create. */
export function refundRowFromWebhook(body: unknown, topic = "refunds/create"): RefundRow {
  const r = parseBody(refundBody, body, topic);
  try {
    return refundRow(r);
  } catch (err) {
    throw err instanceof MalformedDataError ? new MalformedDataError(`${topic} body: ${err.detail}`) : err;
  }
}

/** customers/create, customers/update. */
export function customerRowFromWebhook(body: unknown, topic = "customers/update"): CustomerRow {
  const c = parseBody(customerBody, body, topic);
  return {
    shopifyId: c.id,
    email: c.email?.toLowerCase() ?? null,
    phone: c.phone ?? null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    // REST sends "" for no tags; stored as the GraphQL paths store it (null), whichever path wrote last.
    tags: c.tags || null,
    emailConsent: c.email_marketing_consent?.state ?? null,
    smsConsent: c.sms_marketing_consent?.state ?? null,
    createdAt: c.created_at ?? null,
    updatedAt: c.updated_at,
  };
}

/** products/create, products/update. */
export function productRowsFromWebhook(body: unknown, topic = "products/update"): ProductRows {
  const p = parseBody(productBody, body, topic);
  return {
    product: {
      shopifyId: p.id,
      title: p.title,
      handle: p.handle ?? null,
      vendor: p.vendor ?? null,
      productType: p.product_type ?? null,
      status: p.status ?? null,
      tags: p.tags || null,
      createdAt: p.created_at ?? null,
      updatedAt: p.updated_at,
    },
    variants: p.variants.map((v) => ({ shopifyId: v.id, productShopifyId: p.id, title: v.title ?? null, sku: v.sku ?? null, price: v.price ?? null })),
  };
}

/** orders/delete, customers/delete, products/delete: the id of what was deleted. */
export function deletedIdFromWebhook(body: unknown, topic: string): bigint {
  return parseBody(deletedBody, body, topic).id;
}
