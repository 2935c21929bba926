/** The emulator's internal records: plain data, money in integer minor units, times in epoch ms. */

export interface StoreSpec {
  seed: number;
  orders: number;
  customers: number;
  products: number;
  /** Orders and customers are spread over [startAt, endAt]. */
  startAt: number;
  endAt: number;
  /**
   * The shop's currency comes first: every amount is kept in it, as a shop's books are. Customers
   * also pay in the others (presentment currencies), converted at fixed rates.
   */
  currencies: readonly string[];
  /** Ids rendered with 18 digits, as in Shopify's own samples and test notifications (beyond 2^53). */
  bigIds?: boolean;
}

export type EmailConsent = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED";

export interface AddressRec {
  id: number;
  firstName: string;
  lastName: string;
  address1: string;
  city: string;
  province: string;
  country: string;
  countryCode: string;
  zip: string;
  phone: string | null;
}

export interface CustomerRec {
  index: number;
  id: number;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  createdAt: number;
  updatedAt: number;
  tags: string[];
  emailConsent: EmailConsent;
  smsConsent: EmailConsent;
  note: string | null;
  locale: string;
  address: AddressRec;
}

export interface VariantRec {
  id: number;
  position: number;
  title: string;
  sku: string;
  /** In the shop currency. */
  priceCents: number;
}

export interface ProductRec {
  index: number;
  id: number;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  tags: string[];
  createdAt: number;
  updatedAt: number;
  variants: VariantRec[];
}

export interface LineItemRec {
  id: number;
  productId: number;
  variantId: number;
  title: string;
  variantTitle: string;
  sku: string;
  vendor: string;
  quantity: number;
  /** Unit price in the shop's currency. */
  unitCents: number;
}

export interface RefundLineRec {
  id: number;
  lineItemId: number;
  quantity: number;
  subtotalCents: number;
}

/** A payment gateway's attempt to return money, in the presentment currency (as Shopify's are). */
export interface RefundTransactionRec {
  id: number;
  status: "success" | "failure" | "pending";
  presentmentCents: number;
}

/**
 * Shopify's record of the difference between a refund's calculated amount (its lines) and what was
 * returned: positive when less was returned (a discrepancy), negative when more (shipping, tax).
 */
export interface OrderAdjustmentRec {
  id: number;
  shopCents: number;
}

export interface RefundRec {
  id: number;
  createdAt: number;
  note: string | null;
  /** Line subtotals in the shop's currency. */
  lines: RefundLineRec[];
  adjustments: OrderAdjustmentRec[];
  /** Successful ones add up to what was returned; failed and pending ones returned nothing. */
  transactions: RefundTransactionRec[];
  /** What was returned, in the shop's currency: lines less adjustments. */
  amountCents: number;
}

export type FinancialStatus = "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED" | "PENDING";
export type FulfillmentStatus = "FULFILLED" | "UNFULFILLED";

export interface OrderRec {
  index: number;
  id: number;
  name: string;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  cancelledAt: number | null;
  cancelReason: "CUSTOMER" | "INVENTORY" | "FRAUD" | "DECLINED" | "OTHER" | null;
  /** The shop's currency: every amount of the order is in it. */
  currency: string;
  /** The currency the customer paid in. */
  presentmentCurrency: string;
  customerId: number | null;
  email: string | null;
  phone: string | null;
  lineItems: LineItemRec[];
  refunds: RefundRec[];
  tags: string[];
  /** Line totals less discounts. */
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
  totalCents: number;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  note: string | null;
}

// Id ranges keep every kind of record apart and make id → index a subtraction.
export const ID_BASE = {
  order: 5_000_000_000_000,
  customer: 6_000_000_000_000,
  product: 7_000_000_000_000,
  variant: 8_000_000_000_000,
  lineItem: 9_000_000_000_000,
  refund: 4_000_000_000_000,
  refundLine: 3_000_000_000_000,
  address: 2_000_000_000_000,
  /** Refund transactions: MAX_TRANSACTIONS_PER_REFUND per refund slot. */
  transaction: 1_000_000_000_000,
  /** Order adjustments: one per refund slot. */
  adjustment: 1_800_000_000_000,
} as const;

/** Line items and refunds get ids from their order's index: room for this many per order. */
export const MAX_LINES_PER_ORDER = 32;
export const MAX_REFUNDS_PER_ORDER = 8;
export const MAX_TRANSACTIONS_PER_REFUND = 4;

export function refundTotal(order: OrderRec): number {
  let sum = 0;
  for (const r of order.refunds) sum += r.amountCents;
  return sum;
}
