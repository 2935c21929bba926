import { formatCents, isoSeconds } from "./money";
import type { ShopStore } from "./shop-store";
import { type CustomerRec, type OrderRec, type ProductRec, refundTotal } from "./types";

/**
 * The field-level truth: every record as the shop holds it right now, in Shopify's terms (numeric
 * ids, money as exact decimal strings in the shop's currency, times as Shopify's second-precision
 * UTC, enums as the Admin API spells them). Tests compare a synced database with this, field by
 * field; it is deliberately not any API's wire shape, so no app mapper can be reused to read it.
 */

const iso = (ms: number | null) => (ms === null ? null : isoSeconds(ms));

export const RECORD_KINDS = ["orders", "customers", "products"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export function orderRecord(store: ShopStore, o: OrderRec) {
  return {
    id: o.id,
    name: o.name,
    email: o.email,
    phone: o.phone,
    // As the Admin API reports it: no customer once the customer no longer exists.
    customerId: o.customerId !== null && store.customerExists(o.customerId) ? o.customerId : null,
    currency: o.currency,
    subtotal: formatCents(o.subtotalCents),
    discounts: formatCents(o.discountCents),
    shipping: formatCents(o.shippingCents),
    tax: formatCents(o.taxCents),
    total: formatCents(o.totalCents),
    refunded: formatCents(refundTotal(o)),
    financialStatus: o.financialStatus,
    fulfillmentStatus: o.fulfillmentStatus,
    cancelledAt: iso(o.cancelledAt),
    cancelReason: o.cancelReason,
    processedAt: iso(o.processedAt),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    tags: o.tags,
    note: o.note,
    lineItems: o.lineItems.map((l) => ({
      id: l.id,
      productId: l.productId,
      variantId: l.variantId,
      title: l.title,
      variantTitle: l.variantTitle,
      sku: l.sku,
      vendor: l.vendor,
      quantity: l.quantity,
      unitPrice: formatCents(l.unitCents),
    })),
    refunds: o.refunds.map((r) => ({ id: r.id, createdAt: iso(r.createdAt), note: r.note, amount: formatCents(r.amountCents) })),
  };
}

export function customerRecord(c: CustomerRec) {
  return {
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    tags: c.tags,
    // Shopify has a marketing consent only for a contact point the customer has.
    emailMarketingState: c.email === null ? null : c.emailConsent,
    smsMarketingState: c.phone === null ? null : c.smsConsent,
    note: c.note,
    locale: c.locale,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function productRecord(p: ProductRec) {
  return {
    id: p.id,
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    status: p.status,
    tags: p.tags,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    variants: p.variants.map((v) => ({ id: v.id, position: v.position, title: v.title, sku: v.sku, price: formatCents(v.priceCents) })),
  };
}

export type OrderRecord = ReturnType<typeof orderRecord>;
export type CustomerRecord = ReturnType<typeof customerRecord>;
export type ProductRecord = ReturnType<typeof productRecord>;

/** Every live record of a kind, in index order, generated one at a time (a 1M-order shop streams in flat memory). */
export function* shopRecords(store: ShopStore, kind: RecordKind): Generator<OrderRecord | CustomerRecord | ProductRecord> {
  if (kind === "orders") {
    for (let i = 0; i < store.orderTotal; i++) {
      const o = store.liveOrder(i);
      if (o) yield orderRecord(store, o);
    }
  }
  else if (kind === "customers") {
    for (let i = 0; i < store.customerSlots; i++) {
      const c = store.customer(i);
      if (c) yield customerRecord(c);
    }
  } else for (const p of store.products) if (p) yield productRecord(p);
}
