import { gid, jsonId } from "../admin/ids";
import { formatCents, isoSeconds, presentmentCents } from "../store/money";
import type { ShopStore } from "../store/shop-store";
import { type CustomerRec, type OrderRec, type ProductRec, type RefundRec, refundTotal } from "../store/types";

/**
 * Webhook bodies in Shopify's REST shapes (snake_case, numeric ids, money as decimal strings with
 * `*_set` fields in the shop's and the presentment currency), which is what webhooks carry even for
 * GraphQL apps. tests/fixtures/shopify holds Shopify's published samples these are checked against.
 * `big`: the shop shows 18-digit ids (spec.bigIds), written as JSON numbers digit for digit.
 */

const iso = (ms: number | null) => (ms === null ? null : isoSeconds(ms));

/** A `*_set` field: the amount in the shop's currency and as the customer saw it. */
function moneySet(cents: number, o: Pick<OrderRec, "currency" | "presentmentCurrency">) {
  return {
    shop_money: { amount: formatCents(cents), currency_code: o.currency },
    presentment_money: { amount: formatCents(presentmentCents(cents, o.currency, o.presentmentCurrency)), currency_code: o.presentmentCurrency },
  };
}

export function customerPayload(c: CustomerRec, big = false, currency = "USD") {
  return {
    id: jsonId(c.id, big),
    admin_graphql_api_id: gid("Customer", c.id, big),
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
    currency,
    email_marketing_consent: c.email ? { state: c.emailConsent.toLowerCase(), opt_in_level: "single_opt_in", consent_updated_at: iso(c.updatedAt) } : null,
    sms_marketing_consent: c.phone ? { state: c.smsConsent.toLowerCase(), opt_in_level: "single_opt_in", consent_updated_at: iso(c.updatedAt), consent_collected_from: "SHOPIFY" } : null,
    default_address: {
      id: jsonId(c.address.id, big),
      customer_id: jsonId(c.id, big),
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

/**
 * A refund: its lines and order adjustments in both currencies, and the transactions that returned
 * the money — in the presentment currency, failed and pending ones included, as Shopify lists them.
 */
export function refundPayload(o: OrderRec, r: RefundRec, big = false) {
  const created = iso(r.createdAt);
  const zero = moneySet(0, o);
  return {
    id: jsonId(r.id, big),
    admin_graphql_api_id: gid("Refund", r.id, big),
    order_id: jsonId(o.id, big),
    created_at: created,
    processed_at: created,
    note: r.note,
    user_id: null,
    restock: false,
    duties: [],
    total_duties_set: zero,
    refund_shipping_lines: [],
    refund_line_items: r.lines.map((l) => ({
      id: jsonId(l.id, big),
      quantity: l.quantity,
      line_item_id: jsonId(l.lineItemId, big),
      location_id: null,
      restock_type: "return",
      subtotal: l.subtotalCents / 100,
      total_tax: 0,
      subtotal_set: moneySet(l.subtotalCents, o),
      total_tax_set: zero,
    })),
    transactions: r.transactions.map((t) => ({
      id: jsonId(t.id, big),
      order_id: jsonId(o.id, big),
      kind: "refund",
      gateway: "bogus",
      status: t.status,
      message: t.status === "failure" ? "Bogus Gateway: Forced failure" : null,
      created_at: created,
      test: false,
      authorization: null,
      location_id: null,
      user_id: null,
      parent_id: null,
      processed_at: created,
      device_id: null,
      error_code: t.status === "failure" ? "card_declined" : null,
      source_name: "web",
      receipt: {},
      amount: formatCents(t.presentmentCents),
      currency: o.presentmentCurrency,
      admin_graphql_api_id: gid("OrderTransaction", t.id, big),
    })),
    order_adjustments: r.adjustments.map((a) => ({
      id: jsonId(a.id, big),
      order_id: jsonId(o.id, big),
      refund_id: jsonId(r.id, big),
      amount: formatCents(a.shopCents),
      tax_amount: "0.00",
      kind: "refund_discrepancy",
      reason: "Refund discrepancy",
      amount_set: moneySet(a.shopCents, o),
      tax_amount_set: zero,
    })),
  };
}

export function orderPayload(store: ShopStore, o: OrderRec) {
  const big = Boolean(store.spec.bigIds);
  const customer = o.customerId === null ? null : store.customerById(o.customerId);
  const refunded = refundTotal(o);
  const lineTotal = o.lineItems.reduce((n, l) => n + l.unitCents * l.quantity, 0);
  return {
    id: jsonId(o.id, big),
    admin_graphql_api_id: gid("Order", o.id, big),
    name: o.name,
    number: o.index + 1,
    order_number: 1000 + o.index + 1,
    email: o.email,
    contact_email: o.email,
    phone: o.phone,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    processed_at: iso(o.processedAt),
    cancelled_at: iso(o.cancelledAt),
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    closed_at: null,
    currency: o.currency,
    presentment_currency: o.presentmentCurrency,
    subtotal_price: formatCents(o.subtotalCents),
    subtotal_price_set: moneySet(o.subtotalCents, o),
    total_line_items_price: formatCents(lineTotal),
    total_line_items_price_set: moneySet(lineTotal, o),
    total_discounts: formatCents(o.discountCents),
    total_discounts_set: moneySet(o.discountCents, o),
    total_tax: formatCents(o.taxCents),
    total_tax_set: moneySet(o.taxCents, o),
    total_shipping_price_set: moneySet(o.shippingCents, o),
    total_price: formatCents(o.totalCents),
    total_price_set: moneySet(o.totalCents, o),
    current_total_price: formatCents(o.totalCents - refunded),
    current_total_price_set: moneySet(o.totalCents - refunded, o),
    financial_status: o.financialStatus.toLowerCase(),
    fulfillment_status: o.fulfillmentStatus === "FULFILLED" ? "fulfilled" : null,
    tags: o.tags.join(", "),
    note: o.note,
    test: false,
    source_name: "web",
    customer: customer ? customerPayload(customer, big, o.currency) : null,
    line_items: o.lineItems.map((l) => ({
      id: jsonId(l.id, big),
      admin_graphql_api_id: gid("LineItem", l.id, big),
      product_id: jsonId(l.productId, big),
      variant_id: jsonId(l.variantId, big),
      title: l.title,
      name: l.variantTitle === "Default Title" ? l.title : `${l.title} - ${l.variantTitle}`,
      variant_title: l.variantTitle,
      sku: l.sku,
      vendor: l.vendor,
      quantity: l.quantity,
      price: formatCents(l.unitCents),
      price_set: moneySet(l.unitCents, o),
      total_discount: "0.00",
      total_discount_set: moneySet(0, o),
    })),
    refunds: o.refunds.map((r) => refundPayload(o, r, big)),
  };
}

export function productPayload(p: ProductRec, big = false) {
  return {
    id: jsonId(p.id, big),
    admin_graphql_api_id: gid("Product", p.id, big),
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    product_type: p.productType,
    status: p.status.toLowerCase(),
    tags: p.tags.join(", "),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    variants: p.variants.map((v) => ({
      id: jsonId(v.id, big),
      product_id: jsonId(p.id, big),
      title: v.title,
      sku: v.sku,
      price: formatCents(v.priceCents),
      position: v.position,
      admin_graphql_api_id: gid("ProductVariant", v.id, big),
    })),
  };
}

/** orders/delete, customers/delete, products/delete: the id, as Shopify sends it. */
export function deletedPayload(id: number, big = false) {
  return { id: jsonId(id, big) };
}
