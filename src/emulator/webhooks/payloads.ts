import { formatCents, isoSeconds } from "../store/money";
import type { ShopStore } from "../store/shop-store";
import { type CustomerRec, type OrderRec, type ProductRec, type RefundRec, refundTotal } from "../store/types";

/**
 * Webhook bodies in Shopify's REST shapes (snake_case, numeric ids, money as decimal strings),
 * which is what webhooks carry even for GraphQL apps.
 */

const iso = (ms: number | null) => (ms === null ? null : isoSeconds(ms));
const gidOf = (type: string, id: number) => `gid://shopify/${type}/${id}`;

export function customerPayload(c: CustomerRec) {
  return {
    id: c.id,
    admin_graphql_api_id: gidOf("Customer", c.id),
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    state: "enabled",
    verified_email: c.email !== null,
    tags: c.tags.join(", "),
    note: c.note,
    currency: "USD",
    email_marketing_consent: c.email ? { state: c.emailConsent.toLowerCase(), opt_in_level: "single_opt_in", consent_updated_at: iso(c.updatedAt) } : null,
    sms_marketing_consent: c.phone ? { state: c.smsConsent.toLowerCase(), opt_in_level: "single_opt_in", consent_updated_at: iso(c.updatedAt), consent_collected_from: "SHOPIFY" } : null,
    default_address: {
      id: c.address.id,
      customer_id: c.id,
      first_name: c.address.firstName,
      last_name: c.address.lastName,
      address1: c.address.address1,
      city: c.address.city,
      province: c.address.province,
      country: c.address.country,
      country_code: c.address.countryCode,
      zip: c.address.zip,
      phone: c.address.phone,
      default: true,
    },
  };
}

export function refundPayload(o: OrderRec, r: RefundRec) {
  return {
    id: r.id,
    admin_graphql_api_id: gidOf("Refund", r.id),
    order_id: o.id,
    created_at: iso(r.createdAt),
    processed_at: iso(r.createdAt),
    note: r.note,
    refund_line_items: r.lines.map((l) => ({ id: l.id, line_item_id: l.lineItemId, quantity: l.quantity, subtotal: formatCents(l.subtotalCents), restock_type: "return" })),
    transactions: [{ id: r.id, kind: "refund", status: "success", amount: formatCents(r.amountCents), currency: o.currency }],
  };
}

export function orderPayload(store: ShopStore, o: OrderRec) {
  const customer = o.customerId === null ? null : store.customerById(o.customerId);
  const refunded = refundTotal(o);
  return {
    id: o.id,
    admin_graphql_api_id: gidOf("Order", o.id),
    name: o.name,
    order_number: 1000 + o.index + 1,
    email: o.email,
    phone: o.phone,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    processed_at: iso(o.processedAt),
    cancelled_at: iso(o.cancelledAt),
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    currency: o.currency,
    presentment_currency: o.currency,
    subtotal_price: formatCents(o.subtotalCents),
    total_discounts: formatCents(o.discountCents),
    total_tax: formatCents(o.taxCents),
    total_shipping_price_set: { shop_money: { amount: formatCents(o.shippingCents), currency_code: o.currency } },
    total_price: formatCents(o.totalCents),
    current_total_price: formatCents(o.totalCents - refunded),
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: o.fulfillmentStatus === "FULFILLED" ? "fulfilled" : null,
    tags: o.tags.join(", "),
    note: o.note,
    test: false,
    customer: customer ? customerPayload(customer) : null,
    line_items: o.lineItems.map((l) => ({
      id: l.id,
      admin_graphql_api_id: gidOf("LineItem", l.id),
      product_id: l.productId,
      variant_id: l.variantId,
      title: l.title,
      variant_title: l.variantTitle,
      sku: l.sku,
      vendor: l.vendor,
      quantity: l.quantity,
      price: formatCents(l.unitCents),
    })),
    refunds: o.refunds.map((r) => refundPayload(o, r)),
  };
}

export function productPayload(p: ProductRec) {
  return {
    id: p.id,
    admin_graphql_api_id: gidOf("Product", p.id),
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    product_type: p.productType,
    status: p.status.toLowerCase(),
    tags: p.tags.join(", "),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    variants: p.variants.map((v) => ({ id: v.id, product_id: p.id, title: v.title, sku: v.sku, price: formatCents(v.priceCents), position: v.position })),
  };
}
