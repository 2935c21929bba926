import { hash32, rngFor } from "./random";
import { makeRefund } from "./refunds";
import {
  type CustomerRec,
  ID_BASE,
  type LineItemRec,
  MAX_LINES_PER_ORDER,
  MAX_REFUNDS_PER_ORDER,
  type OrderRec,
  type ProductRec,
  type RefundRec,
  type StoreSpec,
} from "./types";
import { ADJECTIVES, CITIES, CUSTOMER_TAGS, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, NOUNS, ORDER_TAGS, VARIANT_OPTIONS, VENDORS } from "./words";

// Streams keep each kind of record's randomness independent.
const S = { customer: 1, product: 2, order: 3, email: 4 } as const;
const DAY = 86_400_000;

const second = (ms: number) => Math.floor(ms / 1000) * 1000;

function nameOf(seed: number, i: number): { first: string; last: string } {
  const h = hash32(seed, S.email, i);
  return { first: FIRST_NAMES[h % FIRST_NAMES.length]!, last: LAST_NAMES[(h >>> 8) % LAST_NAMES.length]! };
}

// Orders mostly come from a few early customers (power law): their addresses are worth keeping.
const EMAIL_CACHE_LIMIT = 100_000;
const emailCache = new Map<number, string[]>();

/** The address customer i would have on their own; shared addresses point at another customer's. */
function ownEmail(seed: number, i: number): string {
  let cache = emailCache.get(seed);
  if (!cache) emailCache.set(seed, (cache = []));
  const hit = i < EMAIL_CACHE_LIMIT ? cache[i] : undefined;
  if (hit) return hit;
  const { first, last } = nameOf(seed, i);
  const domain = EMAIL_DOMAINS[(hash32(seed, S.email, i) >>> 16) % EMAIL_DOMAINS.length];
  const email = `${first}.${last}${i}@${domain}`.toLowerCase();
  if (i < EMAIL_CACHE_LIMIT) cache[i] = email;
  return email;
}

function ownPhone(seed: number, i: number): string {
  return `+3069${String(10_000_000 + (hash32(seed, S.email, i + 7) % 89_999_999)).padStart(8, "0")}`;
}

/** When customer i joined: evenly spread over the store's history (monotonic in i). */
export function customerCreatedAt(spec: StoreSpec, i: number): number {
  const r = hash32(spec.seed, S.customer, i) / 4294967296;
  return second(spec.startAt + ((i + r) / Math.max(1, spec.customers)) * (spec.endAt - spec.startAt));
}

/** The latest a generated customer's updatedAt can be after its createdAt. */
export const MAX_CUSTOMER_UPDATE_LAG = 10 * DAY;

export function generateCustomer(spec: StoreSpec, i: number): CustomerRec {
  const rng = rngFor(spec.seed, S.customer, i);
  rng.next(); // the draw customerCreatedAt used
  const { first, last } = nameOf(spec.seed, i);
  const createdAt = customerCreatedAt(spec, i);
  // Identity edge cases: a few customers share an email or a phone with an earlier record.
  const email = rng.chance(0.05) ? null : i > 0 && rng.chance(0.02) ? ownEmail(spec.seed, i - 1) : ownEmail(spec.seed, i);
  const phone = rng.chance(0.4) ? null : i > 1 && rng.chance(0.01) ? ownPhone(spec.seed, i - 2) : ownPhone(spec.seed, i);
  const place = rng.pick(CITIES);
  const consentRoll = rng.next();
  return {
    index: i,
    id: ID_BASE.customer + i,
    firstName: first,
    lastName: last,
    email,
    phone,
    createdAt,
    updatedAt: Math.max(createdAt, Math.min(spec.endAt, second(createdAt + rng.next() * MAX_CUSTOMER_UPDATE_LAG))),
    tags: rng.chance(0.2) ? [rng.pick(CUSTOMER_TAGS)] : [],
    emailConsent: email === null ? "NOT_SUBSCRIBED" : consentRoll < 0.55 ? "SUBSCRIBED" : consentRoll < 0.9 ? "NOT_SUBSCRIBED" : "UNSUBSCRIBED",
    smsConsent: phone === null ? "NOT_SUBSCRIBED" : rng.chance(0.3) ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
    note: null,
    locale: place.code === "GR" ? "el" : place.code === "DE" ? "de" : place.code === "FR" ? "fr" : "en",
    address: {
      id: ID_BASE.address + i,
      firstName: first,
      lastName: last,
      address1: `${rng.int(1, 250)} Market Street`,
      city: place.city,
      province: place.province,
      country: place.country,
      countryCode: place.code,
      zip: String(rng.int(10000, 99999)),
      phone,
    },
  };
}

export function generateProduct(spec: StoreSpec, p: number): ProductRec {
  const rng = rngFor(spec.seed, S.product, p);
  const title = `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${p + 1}`;
  const variantCount = rng.int(1, 4);
  const base = rng.int(5, 120) * 100 + rng.pick([0, 50, 90, 99]);
  const createdAt = second(spec.startAt - rng.int(1, 90) * DAY);
  const handle = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    index: p,
    id: ID_BASE.product + p,
    title,
    handle,
    vendor: rng.pick(VENDORS),
    productType: title.split(" ").slice(1, -1).join(" "),
    status: rng.chance(0.95) ? "ACTIVE" : "DRAFT",
    tags: rng.chance(0.3) ? ["bestseller"] : [],
    createdAt,
    updatedAt: second(createdAt + rng.int(0, 30) * DAY),
    variants: Array.from({ length: variantCount }, (_, v) => ({
      id: ID_BASE.variant + p * 8 + v,
      position: v + 1,
      title: variantCount === 1 ? "Default Title" : VARIANT_OPTIONS[v]!,
      sku: `SKU-${p + 1}-${v + 1}`,
      priceCents: base + v * 500,
    })),
  };
}

/** When order i was placed (monotonic in i), so date ranges map to index ranges. */
export function orderCreatedAt(spec: StoreSpec, i: number): number {
  const r = hash32(spec.seed, S.order, i) / 4294967296;
  return second(spec.startAt + ((i + r) / Math.max(1, spec.orders)) * (spec.endAt - spec.startAt));
}

/** The latest an order's updatedAt can be after its createdAt (refunds come within this window). */
export const MAX_ORDER_UPDATE_LAG = 21 * DAY;

export function generateOrder(spec: StoreSpec, catalog: readonly ProductRec[], i: number): OrderRec {
  const rng = rngFor(spec.seed, S.order, i);
  rng.next(); // the draw orderCreatedAt used
  const createdAt = orderCreatedAt(spec, i);
  // One shop currency; about 30% of customers pay in another (presentment) currency the shop enables.
  const currency = spec.currencies[0]!;
  const presentmentCurrency = rng.chance(0.7) ? currency : rng.pick(spec.currencies);

  // Repeat buyers on a power law among the customers who existed by then; some guests.
  let customerIndex: number | null = null;
  const known = Math.max(1, Math.min(spec.customers, Math.floor((spec.customers * (createdAt - spec.startAt)) / Math.max(1, spec.endAt - spec.startAt))));
  if (spec.customers > 0 && !rng.chance(0.08)) customerIndex = Math.floor(known * rng.next() ** 3);
  const guestEmail = customerIndex === null && rng.chance(0.3) && spec.customers > 0 ? ownEmail(spec.seed, rng.int(0, known - 1)) : null;
  const email = customerIndex !== null ? ownEmail(spec.seed, customerIndex) : (guestEmail ?? `guest${i}@guest.test`);

  const lineCount = Math.min(MAX_LINES_PER_ORDER, 1 + Math.floor(-Math.log(1 - rng.next()) * 2.5));
  const lineItems: LineItemRec[] = new Array(lineCount);
  let lineTotal = 0;
  const chosen = new Set<number>();
  for (let k = 0; k < lineCount; k++) {
    // Popular products more often (power law), each variant at most once per order.
    let p = Math.floor(catalog.length * rng.next() ** 2);
    let product = catalog[p]!;
    let variant = product.variants[Math.floor(rng.next() * product.variants.length)]!;
    for (let step = 1; chosen.has(variant.id) && step <= catalog.length; step++) {
      product = catalog[(p = (p + 1) % catalog.length)]!;
      variant = product.variants[0]!;
    }
    chosen.add(variant.id);
    const quantity = rng.chance(0.8) ? 1 : rng.int(2, 4);
    const unitCents = variant.priceCents;
    lineTotal += unitCents * quantity;
    lineItems[k] = {
      id: ID_BASE.lineItem + i * MAX_LINES_PER_ORDER + k,
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      variantTitle: variant.title,
      sku: variant.sku,
      vendor: product.vendor,
      quantity,
      unitCents,
    };
  }
  const discountCents = rng.chance(0.15) ? Math.round(lineTotal * 0.1) : 0;
  const subtotalCents = lineTotal - discountCents;
  const taxCents = Math.round(subtotalCents * 0.08);
  const shippingCents = subtotalCents >= 5000 ? 0 : 590;
  const totalCents = subtotalCents + taxCents + shippingCents;

  const cancelled = rng.chance(0.03);
  const cancelledAt = cancelled ? Math.min(spec.endAt, second(createdAt + rng.int(1, 48) * 3_600_000)) : null;
  const refunds: RefundRec[] = [];
  if (!cancelled && rng.chance(0.06)) {
    // Partial returns: never more units than were bought, never more money than was paid.
    const count = rng.chance(0.8) ? 1 : 2;
    const returned = new Map<number, number>();
    let refundedSoFar = 0;
    for (let r = 0; r < count && r < MAX_REFUNDS_PER_ORDER; r++) {
      const line = lineItems[rng.int(0, lineCount - 1)]!;
      const left = line.quantity - (returned.get(line.id) ?? 0);
      if (left === 0) continue;
      const quantity = rng.int(1, left);
      const subtotal = Math.min(line.unitCents * quantity, totalCents - refundedSoFar);
      // Now and then less is returned than the lines come to (a discrepancy: an order adjustment).
      const amount = rng.chance(0.1) ? subtotal - Math.round(subtotal * 0.1) : subtotal;
      returned.set(line.id, line.quantity - left + quantity);
      refundedSoFar += amount;
      const refundCreatedAt = Math.min(spec.endAt, second(createdAt + rng.int(1, 20) * DAY));
      const note = rng.chance(0.5) ? "Customer return" : null;
      const lines = [{ id: ID_BASE.refundLine + (i * MAX_REFUNDS_PER_ORDER + refunds.length) * MAX_LINES_PER_ORDER, lineItemId: line.id, quantity, subtotalCents: subtotal }];
      refunds.push(makeRefund({ index: i, currency, presentmentCurrency }, refunds.length, { createdAt: refundCreatedAt, note, lines, amountCents: amount }, rng));
    }
  }
  if (cancelled) {
    // A cancelled order is refunded in full: its lines, and shipping and tax (less any discount) as an order adjustment.
    const lines = lineItems.map((l, k) => ({ id: ID_BASE.refundLine + i * MAX_REFUNDS_PER_ORDER * MAX_LINES_PER_ORDER + k, lineItemId: l.id, quantity: l.quantity, subtotalCents: l.unitCents * l.quantity }));
    refunds.push(makeRefund({ index: i, currency, presentmentCurrency }, 0, { createdAt: cancelledAt!, note: "Order cancelled", lines, amountCents: totalCents }, rng));
  }
  let updatedAt = createdAt + rng.int(0, 3_600) * 1000;
  for (const r of refunds) updatedAt = Math.max(updatedAt, r.createdAt);
  const refunded = refunds.reduce((n, r) => n + r.amountCents, 0);
  const customerPhone = customerIndex !== null && rng.chance(0.5) ? ownPhone(spec.seed, customerIndex) : null;

  return {
    index: i,
    id: ID_BASE.order + i,
    name: `#${1001 + i}`,
    createdAt,
    updatedAt: Math.min(Math.max(spec.endAt, createdAt), updatedAt),
    processedAt: createdAt,
    cancelledAt,
    cancelReason: cancelled ? "CUSTOMER" : null,
    currency,
    presentmentCurrency,
    customerId: customerIndex === null ? null : ID_BASE.customer + customerIndex,
    email,
    phone: customerPhone,
    lineItems,
    refunds,
    tags: rng.chance(0.1) ? [rng.pick(ORDER_TAGS)] : [],
    subtotalCents,
    discountCents,
    shippingCents,
    taxCents,
    totalCents,
    financialStatus: cancelled ? "REFUNDED" : refunded === 0 ? "PAID" : refunded >= totalCents ? "REFUNDED" : "PARTIALLY_REFUNDED",
    fulfillmentStatus: cancelled ? "UNFULFILLED" : createdAt < spec.endAt - 3 * DAY ? "FULFILLED" : "UNFULFILLED",
    note: null,
  };
}
