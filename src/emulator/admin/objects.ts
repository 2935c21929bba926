import { formatCents, isoSeconds } from "../store/money";
import type { ShopStore } from "../store/shop-store";
import { type CustomerRec, type LineItemRec, type OrderRec, type ProductRec, type RefundRec, refundTotal, type VariantRec } from "../store/types";
import { arrayConnection, type ConnectionArgs } from "./connection";
import { gid } from "./ids";

/**
 * GraphQL objects over store records, shaped like Shopify's Admin types. Fields are plain values or
 * functions of the field's arguments (graphql-js calls them), so only what a query asks for is built.
 */

const iso = (ms: number | null) => (ms === null ? null : isoSeconds(ms));

export function money(cents: number, currency: string) {
  return { __typename: "MoneyV2", amount: formatCents(cents), currencyCode: currency };
}

export function moneyBag(cents: number, currency: string) {
  const m = money(cents, currency);
  return { __typename: "MoneyBag", shopMoney: m, presentmentMoney: m };
}

export function orderObject(store: ShopStore, o: OrderRec) {
  const refunded = refundTotal(o);
  const lineById = new Map(o.lineItems.map((l) => [l.id, l]));
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: o.name,
    email: o.email,
    phone: o.phone,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    processedAt: iso(o.processedAt),
    cancelledAt: iso(o.cancelledAt),
    cancelReason: o.cancelReason,
    closedAt: null,
    currencyCode: o.currency,
    presentmentCurrencyCode: o.currency,
    totalPriceSet: moneyBag(o.totalCents, o.currency),
    subtotalPriceSet: moneyBag(o.subtotalCents, o.currency),
    totalTaxSet: moneyBag(o.taxCents, o.currency),
    totalDiscountsSet: moneyBag(o.discountCents, o.currency),
    totalShippingPriceSet: moneyBag(o.shippingCents, o.currency),
    totalRefundedSet: moneyBag(refunded, o.currency),
    currentTotalPriceSet: moneyBag(o.totalCents - refunded, o.currency),
    netPaymentSet: moneyBag(o.totalCents - refunded, o.currency),
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: o.fulfillmentStatus,
    tags: o.tags,
    test: false,
    sourceName: "web",
    note: o.note,
    customer: () => {
      const c = o.customerId === null ? null : store.customerById(o.customerId);
      return c ? customerObject(store, c) : null;
    },
    lineItems: (args: ConnectionArgs) => arrayConnection(o.lineItems.map((l) => lineItemObject(store, o, l)), args),
    refunds: (args: { first?: number | null }) => o.refunds.slice(0, args.first ?? undefined).map((r) => refundObject(store, o, r, lineById)),
  };
}

export function lineItemObject(store: ShopStore, o: OrderRec, l: LineItemRec) {
  const refundedQty = o.refunds.reduce((n, r) => n + r.lines.filter((x) => x.lineItemId === l.id).reduce((m, x) => m + x.quantity, 0), 0);
  return {
    __typename: "LineItem",
    id: gid("LineItem", l.id),
    name: l.variantTitle === "Default Title" ? l.title : `${l.title} - ${l.variantTitle}`,
    title: l.title,
    variantTitle: l.variantTitle === "Default Title" ? null : l.variantTitle,
    sku: l.sku,
    vendor: l.vendor,
    quantity: l.quantity,
    currentQuantity: l.quantity - refundedQty,
    refundableQuantity: l.quantity - refundedQty,
    originalUnitPriceSet: moneyBag(l.unitCents, o.currency),
    discountedUnitPriceSet: moneyBag(l.unitCents, o.currency),
    originalTotalSet: moneyBag(l.unitCents * l.quantity, o.currency),
    discountedTotalSet: moneyBag(l.unitCents * l.quantity, o.currency),
    totalDiscountSet: moneyBag(0, o.currency),
    variant: () => {
      const found = store.variantById(l.variantId);
      return found ? variantObject(store, found.product, found.variant) : null;
    },
    product: () => {
      const p = store.productById(l.productId);
      return p ? productObject(store, p) : null;
    },
  };
}

export function refundObject(store: ShopStore, o: OrderRec, r: RefundRec, lineById: Map<number, LineItemRec>) {
  return {
    __typename: "Refund",
    id: gid("Refund", r.id),
    legacyResourceId: String(r.id),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.createdAt),
    note: r.note,
    totalRefundedSet: moneyBag(r.amountCents, o.currency),
    order: () => orderObject(store, o),
    refundLineItems: (args: ConnectionArgs) =>
      arrayConnection(
        r.lines.map((x) => {
          const line = lineById.get(x.lineItemId)!;
          return {
            __typename: "RefundLineItem",
            id: gid("RefundLineItem", x.id),
            quantity: x.quantity,
            restockType: "RETURN",
            priceSet: moneyBag(line.unitCents, o.currency),
            subtotalSet: moneyBag(x.subtotalCents, o.currency),
            totalTaxSet: moneyBag(0, o.currency),
            lineItem: () => lineItemObject(store, o, line),
          };
        }),
        args,
      ),
  };
}

function consent(state: CustomerRec["emailConsent"], at: number) {
  return { marketingState: state, marketingOptInLevel: state === "SUBSCRIBED" ? "SINGLE_OPT_IN" : null, consentUpdatedAt: isoSeconds(at) };
}

export function customerObject(store: ShopStore, c: CustomerRec) {
  const address = {
    __typename: "MailingAddress",
    id: gid("MailingAddress", c.address.id),
    firstName: c.address.firstName,
    lastName: c.address.lastName,
    name: `${c.address.firstName} ${c.address.lastName}`.trim(),
    address1: c.address.address1,
    address2: null,
    city: c.address.city,
    province: c.address.province,
    provinceCode: null,
    country: c.address.country,
    countryCodeV2: c.address.countryCode,
    zip: c.address.zip,
    phone: c.address.phone,
    company: null,
  };
  return {
    __typename: "Customer",
    id: gid("Customer", c.id),
    legacyResourceId: String(c.id),
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: `${c.firstName} ${c.lastName}`.trim() || c.email || c.phone || "Customer",
    email: c.email,
    phone: c.phone,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    tags: c.tags,
    note: c.note,
    locale: c.locale,
    state: "ENABLED",
    verifiedEmail: c.email !== null,
    taxExempt: false,
    defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: c.emailConsent, validFormat: true } : null,
    defaultPhoneNumber: c.phone ? { phoneNumber: c.phone, marketingState: c.smsConsent } : null,
    emailMarketingConsent: c.email ? consent(c.emailConsent, c.updatedAt) : null,
    smsMarketingConsent: c.phone ? { ...consent(c.smsConsent, c.updatedAt), marketingOptInLevel: "SINGLE_OPT_IN", consentCollectedFrom: "SHOPIFY" } : null,
    defaultAddress: address,
    addresses: () => [address],
    addressesV2: (args: ConnectionArgs) => arrayConnection([address], args),
  };
}

export function variantObject(store: ShopStore, p: ProductRec, v: VariantRec) {
  const currency = store.spec.currencies[0]!;
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: String(v.id),
    title: v.title,
    sku: v.sku,
    price: formatCents(v.priceCents),
    compareAtPrice: null,
    barcode: null,
    position: v.position,
    inventoryQuantity: 100,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    selectedOptions: [{ name: "Title", value: v.title }],
    product: () => productObject(store, p),
    currency,
  };
}

export function productObject(store: ShopStore, p: ProductRec) {
  const currency = store.spec.currencies[0]!;
  const prices = p.variants.map((v) => v.priceCents);
  return {
    __typename: "Product",
    id: gid("Product", p.id),
    legacyResourceId: String(p.id),
    title: p.title,
    handle: p.handle,
    vendor: p.vendor,
    productType: p.productType,
    status: p.status,
    tags: p.tags,
    descriptionHtml: `<p>${p.title}</p>`,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    publishedAt: p.status === "ACTIVE" ? iso(p.createdAt) : null,
    totalInventory: 100 * p.variants.length,
    variantsCount: { count: p.variants.length, precision: "EXACT" },
    priceRangeV2: { minVariantPrice: money(Math.min(...prices), currency), maxVariantPrice: money(Math.max(...prices), currency) },
    variants: (args: ConnectionArgs) => arrayConnection(p.variants.map((v) => variantObject(store, p, v)), args),
  };
}
