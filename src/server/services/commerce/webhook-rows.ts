import type { z } from "zod";
import { customerBody, deletedBody, orderBody, parseBody, productBody, refundBody } from "./payloads";
import { type CustomerRow, type OrderRows, type ProductRows, type RefundRow, sumAmounts } from "./rows";

/**
 * Shopify's webhook bodies (REST shapes) → our rows: pure functions, one per record shape. A body
 * missing what we need throws MalformedDataError naming `topic` and the field.
 */

function refundRow(r: z.output<typeof refundBody>): RefundRow {
  return { shopifyId: r.id, orderShopifyId: r.order_id, amount: sumAmounts(r.transactions.map((t) => t.amount)), createdAt: r.created_at ?? null };
}

/** orders/create, orders/updated, orders/cancelled. */
export function orderRowsFromWebhook(body: unknown, topic = "orders/updated"): OrderRows {
  const o = parseBody(orderBody, body, topic);
  return {
    order: {
      shopifyId: o.id,
      name: o.name ?? null,
      email: o.email ?? null,
      phone: o.phone ?? null,
      customerShopifyId: o.customer?.id ?? null,
      currency: o.currency,
      subtotal: o.subtotal_price ?? null,
      tax: o.total_tax ?? null,
      discounts: o.total_discounts ?? null,
      total: o.total_price,
      refunded: sumAmounts(o.refunds.flatMap((r) => r.transactions.filter((t) => t.kind !== "sale").map((t) => t.amount))),
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
      price: l.price,
    })),
    refunds: o.refunds.map(refundRow),
  };
}

/** refunds/create. */
export function refundRowFromWebhook(body: unknown, topic = "refunds/create"): RefundRow {
  return refundRow(parseBody(refundBody, body, topic));
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
export function deletedIdFromWebhook(body: unknown, topic: string): number {
  return parseBody(deletedBody, body, topic).id;
}
