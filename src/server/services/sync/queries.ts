import { MalformedDataError } from "../../errors";

/**
 * The fields we read from Shopify's Admin GraphQL API, shared by the paginated (recent sync,
 * reconciliation) and bulk (history) queries, with the node shapes they return.
 */

const MONEY = "shopMoney { amount }";
export const ORDER_FIELDS = `id name email phone createdAt updatedAt processedAt cancelledAt currencyCode
  displayFinancialStatus displayFulfillmentStatus customer { id }
  subtotalPriceSet { ${MONEY} } totalTaxSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalPriceSet { ${MONEY} }
  refunds { id createdAt totalRefundedSet { ${MONEY} } }`;
export const LINE_FIELDS = `id quantity sku title originalUnitPriceSet { ${MONEY} } variant { id } product { id }`;
export const CUSTOMER_FIELDS = `id email phone firstName lastName tags createdAt updatedAt
  emailMarketingConsent { marketingState } smsMarketingConsent { marketingState }`;
export const PRODUCT_FIELDS = "id title handle vendor productType status tags createdAt updatedAt";
export const VARIANT_FIELDS = "id title sku price";

export type Money = { shopMoney: { amount: string } } | null;
export interface LineNode { id: string; quantity: number; sku: string | null; title: string; originalUnitPriceSet: Money; variant: { id: string } | null; product: { id: string } | null }
export interface RefundNode { id: string; createdAt: string | null; totalRefundedSet: Money }
export interface OrderNode {
  id: string; name: string; email: string | null; phone: string | null; createdAt: string; updatedAt: string; processedAt: string | null; cancelledAt: string | null;
  currencyCode: string; displayFinancialStatus: string | null; displayFulfillmentStatus: string | null; customer: { id: string } | null;
  subtotalPriceSet: Money; totalTaxSet: Money; totalDiscountsSet: Money; totalPriceSet: Money;
  refunds: RefundNode[];
}
export interface CustomerNode {
  id: string; email: string | null; phone: string | null; firstName: string | null; lastName: string | null; tags: string[]; createdAt: string; updatedAt: string;
  emailMarketingConsent: { marketingState: string } | null; smsMarketingConsent: { marketingState: string } | null;
}
export interface ProductNode { id: string; title: string; handle: string; vendor: string; productType: string; status: string; tags: string[]; createdAt: string; updatedAt: string }
export interface VariantNode { id: string; title: string; sku: string | null; price: string }

export const amount = (m: Money) => m?.shopMoney.amount ?? null;
export const lower = (s: string | null | undefined) => s?.toLowerCase() ?? null;
/**
 * The id in a gid (`gid://shopify/Order/820982911946154508` → 820982911946154508n), exact. Hot in the
 * bulk path (several ids a line, millions of lines): no regex; BigInt refuses what is not decimal
 * digits once the first character is one.
 */
export const numericId = (value: string): bigint => {
  const digits = value.slice(value.lastIndexOf("/") + 1);
  const first = digits.charCodeAt(0);
  if (first >= 49 && first <= 57) {
    try {
      return BigInt(digits);
    } catch {
      // not an id: the error below
    }
  }
  throw new MalformedDataError(`${value} is not a Shopify id`);
};
/** Our fulfillment status from Shopify's display status. */
export const fulfillment = (display: string | null) => (display === "FULFILLED" ? "fulfilled" : null);
export const joinTags = (tags: string[]) => tags.join(", ") || null;
