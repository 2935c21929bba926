import { parseCents } from "./money";
import { makeRefund } from "./refunds";
import type { ShopStore } from "./shop-store";
import {
  type CustomerRec,
  type EmailConsent,
  ID_BASE,
  type LineItemRec,
  MAX_LINES_PER_ORDER,
  MAX_REFUNDS_PER_ORDER,
  type OrderRec,
  type ProductRec,
  refundTotal,
} from "./types";

/** A mutation's input was wrong: the field and what is wrong with it. */
export class StoreInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "StoreInputError";
  }
}

function requireOrder(store: ShopStore, id: number): OrderRec {
  const order = store.orderById(id);
  if (!order) throw new StoreInputError("id", `Order ${id} does not exist`);
  return order;
}

export interface OrderInput {
  customerId?: number | null;
  email?: string | null;
  currency?: string;
  lineItems: { variantId: number; quantity: number }[];
  tags?: string[];
}

export function createOrder(store: ShopStore, input: OrderInput): OrderRec {
  // The currency the customer pays in; the order's amounts are the shop's, in its currency.
  const currency = store.spec.currencies[0]!;
  const presentmentCurrency = input.currency ?? currency;
  if (!store.spec.currencies.includes(presentmentCurrency)) throw new StoreInputError("currency", `Currency ${presentmentCurrency} is not enabled for this shop`);
  if (!input.lineItems?.length) throw new StoreInputError("lineItems", "An order needs at least one line item");
  if (input.lineItems.length > MAX_LINES_PER_ORDER) throw new StoreInputError("lineItems", `At most ${MAX_LINES_PER_ORDER} line items`);
  const customer = input.customerId ? store.customerById(input.customerId) : null;
  if (input.customerId && !customer) throw new StoreInputError("customerId", `Customer ${input.customerId} does not exist`);
  const index = store.orderTotal;
  const now = store.stamp();
  let lineTotal = 0;
  const lineItems: LineItemRec[] = input.lineItems.map((line, k) => {
    const found = store.variantById(line.variantId);
    if (!found) throw new StoreInputError(`lineItems.${k}.variantId`, `Variant ${line.variantId} does not exist`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new StoreInputError(`lineItems.${k}.quantity`, "Quantity must be a positive integer");
    const unitCents = found.variant.priceCents;
    lineTotal += unitCents * line.quantity;
    return {
      id: ID_BASE.lineItem + index * MAX_LINES_PER_ORDER + k,
      productId: found.product.id,
      variantId: found.variant.id,
      title: found.product.title,
      variantTitle: found.variant.title,
      sku: found.variant.sku,
      vendor: found.product.vendor,
      quantity: line.quantity,
      unitCents,
    };
  });
  const taxCents = Math.round(lineTotal * 0.08);
  const order: OrderRec = {
    index,
    id: ID_BASE.order + index,
    name: `#${1001 + index}`,
    createdAt: now,
    updatedAt: now,
    processedAt: now,
    cancelledAt: null,
    cancelReason: null,
    currency,
    presentmentCurrency,
    customerId: customer?.id ?? null,
    email: input.email ?? customer?.email ?? null,
    phone: customer?.phone ?? null,
    lineItems,
    refunds: [],
    tags: input.tags ?? [],
    subtotalCents: lineTotal,
    discountCents: 0,
    shippingCents: 0,
    taxCents,
    totalCents: lineTotal + taxCents,
    financialStatus: "PAID",
    fulfillmentStatus: "UNFULFILLED",
    note: null,
  };
  store.putOrder(order);
  return order;
}

export function updateOrder(store: ShopStore, id: number, patch: { email?: string | null; phone?: string | null; note?: string | null; tags?: string[] }): OrderRec {
  const order = { ...requireOrder(store, id), ...definedOnly(patch), updatedAt: store.stamp() };
  store.putOrder(order);
  return order;
}

export function cancelOrder(store: ShopStore, id: number, reason: OrderRec["cancelReason"] = "CUSTOMER"): OrderRec {
  const current = requireOrder(store, id);
  if (current.cancelledAt) throw new StoreInputError("id", `Order ${id} is already cancelled`);
  const now = store.stamp();
  const remaining = current.totalCents - refundTotal(current);
  const refunds = remaining > 0 && current.refunds.length < MAX_REFUNDS_PER_ORDER
    ? [...current.refunds, makeRefund(current, current.refunds.length, { createdAt: now, note: "Order cancelled", lines: [], amountCents: remaining })]
    : current.refunds;
  const order: OrderRec = { ...current, cancelledAt: now, cancelReason: reason, refunds, updatedAt: now, financialStatus: "REFUNDED" };
  store.putOrder(order);
  return order;
}

/** Refunds quantities of line items (their unit price each); returns the order and the new refund. */
export function refundOrder(store: ShopStore, id: number, input: { lines: { lineItemId: number; quantity: number }[]; note?: string }) {
  const current = requireOrder(store, id);
  if (current.refunds.length >= MAX_REFUNDS_PER_ORDER) throw new StoreInputError("id", `Order ${id} has the maximum number of refunds`);
  if (!input.lines?.length) throw new StoreInputError("lines", "A refund needs at least one line");
  const now = store.stamp();
  const r = current.refunds.length;
  const lines = input.lines.map((line, k) => {
    const item = current.lineItems.find((l) => l.id === line.lineItemId);
    if (!item) throw new StoreInputError(`lines.${k}.lineItemId`, `Line item ${line.lineItemId} is not in order ${id}`);
    const already = current.refunds.reduce((n, rf) => n + rf.lines.filter((l) => l.lineItemId === item.id).reduce((m, l) => m + l.quantity, 0), 0);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > item.quantity - already) {
      throw new StoreInputError(`lines.${k}.quantity`, `Quantity must be between 1 and ${item.quantity - already}`);
    }
    return { id: ID_BASE.refundLine + (current.index * MAX_REFUNDS_PER_ORDER + r) * MAX_LINES_PER_ORDER + k, lineItemId: item.id, quantity: line.quantity, subtotalCents: item.unitCents * line.quantity };
  });
  // Never more money back than was paid (discounts make line prices overstate it).
  const amountCents = Math.min(lines.reduce((n, l) => n + l.subtotalCents, 0), current.totalCents - refundTotal(current));
  const refund = makeRefund(current, r, { createdAt: now, note: input.note ?? null, lines, amountCents });
  const refunds = [...current.refunds, refund];
  const refunded = refunds.reduce((n, rf) => n + rf.amountCents, 0);
  const order: OrderRec = { ...current, refunds, updatedAt: now, financialStatus: refunded >= current.totalCents ? "REFUNDED" : "PARTIALLY_REFUNDED" };
  store.putOrder(order);
  return { order, refund };
}

export interface CustomerInput {
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phone?: string | null;
  tags?: string[];
  note?: string | null;
  emailConsent?: EmailConsent;
  smsConsent?: EmailConsent;
}

export function createCustomer(store: ShopStore, input: CustomerInput): CustomerRec {
  if (!input.email && !input.phone && !input.lastName) throw new StoreInputError("email", "A customer needs an email, a phone or a last name");
  const index = store.customerSlots;
  const now = store.stamp();
  const customer: CustomerRec = {
    index,
    id: ID_BASE.customer + index,
    firstName: input.firstName ?? "",
    lastName: input.lastName ?? "",
    email: input.email?.toLowerCase() ?? null,
    phone: input.phone ?? null,
    createdAt: now,
    updatedAt: now,
    tags: input.tags ?? [],
    emailConsent: input.emailConsent ?? "NOT_SUBSCRIBED",
    smsConsent: input.smsConsent ?? "NOT_SUBSCRIBED",
    note: input.note ?? null,
    locale: "en",
    address: { id: ID_BASE.address + index, firstName: input.firstName ?? "", lastName: input.lastName ?? "", address1: "", city: "", province: "", country: "", countryCode: "US", zip: "", phone: input.phone ?? null },
  };
  store.putCustomer(customer);
  return customer;
}

export function updateCustomer(store: ShopStore, id: number, patch: CustomerInput): CustomerRec {
  const current = store.customerById(id);
  if (!current) throw new StoreInputError("id", `Customer ${id} does not exist`);
  const customer: CustomerRec = { ...current, ...definedOnly(patch), email: patch.email === undefined ? current.email : (patch.email?.toLowerCase() ?? null), updatedAt: store.stamp() };
  store.putCustomer(customer);
  return customer;
}

/** Deletes an order (Shopify deletes its line items, refunds and transactions with it). */
export function deleteOrder(store: ShopStore, id: number): OrderRec {
  const current = requireOrder(store, id);
  store.deleteOrder(current.index);
  store.stamp();
  return current;
}

export function deleteCustomer(store: ShopStore, id: number): CustomerRec {
  const current = store.customerById(id);
  if (!current) throw new StoreInputError("id", `Customer ${id} does not exist`);
  if (store.customerHasOrders(id)) throw new StoreInputError("id", `Customer ${id} has orders and cannot be deleted`);
  store.deleteCustomer(current.index);
  store.stamp();
  return current;
}

export function createProduct(store: ShopStore, input: { title: string; vendor?: string; price: string | number; tags?: string[] }): ProductRec {
  if (!input.title?.trim()) throw new StoreInputError("title", "A product needs a title");
  const priceCents = parseCents(input.price);
  const index = store.products.length;
  const now = store.stamp();
  const product: ProductRec = {
    index,
    id: ID_BASE.product + index,
    title: input.title.trim(),
    handle: input.title.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    vendor: input.vendor ?? "Brandbase Emulator",
    productType: "",
    status: "ACTIVE",
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
    variants: [{ id: ID_BASE.variant + index * 8, position: 1, title: "Default Title", sku: `SKU-${index + 1}-1`, priceCents }],
  };
  store.putProduct(product);
  return product;
}

export function updateProduct(store: ShopStore, id: number, patch: { title?: string; vendor?: string; status?: ProductRec["status"]; tags?: string[] }): ProductRec {
  const current = store.productById(id);
  if (!current) throw new StoreInputError("id", `Product ${id} does not exist`);
  const product: ProductRec = { ...current, ...definedOnly(patch), updatedAt: store.stamp() };
  store.putProduct(product);
  return product;
}

export function deleteProduct(store: ShopStore, id: number): ProductRec {
  const current = store.productById(id);
  if (!current) throw new StoreInputError("id", `Product ${id} does not exist`);
  store.deleteProduct(current.index);
  store.stamp();
  return current;
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
