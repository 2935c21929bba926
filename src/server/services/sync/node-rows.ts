import { MalformedDataError } from "../../errors";
import type { CustomerRow, LineItemRow, OrderRows, ProductRows, RefundRow, VariantRow } from "../commerce/rows";
import { sumAmounts } from "../commerce/rows";
import { amount, type CustomerNode, fulfillment, joinTags, type LineNode, lower, numericId, type OrderNode, type ProductNode, type VariantNode } from "./queries";

/**
 * Shopify's Admin GraphQL nodes (queries.ts) → our rows: pure functions, one per node shape, used
 * by the paginated sync (recent sync, reconciliation) and by the bulk sync alike. The bulk path
 * gets an order's line items and a product's variants as lines of their own (`__parentId`), so
 * children have mappers of their own too. A node missing what we need throws MalformedDataError
 * naming the field (the bulk path adds the line number).
 */

/**
 * The value of a field that must be a non-empty string, or MalformedDataError naming it. Callers
 * read the property themselves (`required(node.updatedAt, "updatedAt")`): a read by a fixed name
 * stays fast in the bulk path's loop over millions of lines, where a read by a variable name does not.
 */
function required(value: unknown, field: string): string {
  if (typeof value !== "string" || !value) throw new MalformedDataError(`${field} is missing`);
  return value;
}

/** A refund total without BigInt work in the usual cases (no refund, one refund). */
function total(refunds: RefundRow[]): string {
  return refunds.length === 0 ? "0" : refunds.length === 1 ? refunds[0]!.amount : sumAmounts(refunds.map((r) => r.amount));
}

export function lineItemRowFromNode(node: LineNode, orderShopifyId: bigint): LineItemRow {
  const shopifyId = numericId(required(node.id, "id"));
  if (typeof node.quantity !== "number") throw new MalformedDataError("quantity is missing");
  return {
    shopifyId,
    orderShopifyId,
    productShopifyId: node.product ? numericId(node.product.id) : null,
    variantShopifyId: node.variant ? numericId(node.variant.id) : null,
    title: node.title ?? null,
    sku: node.sku ?? null,
    quantity: node.quantity,
    price: amount(node.originalUnitPriceSet) ?? "0",
  };
}

/** An order node (and the line item nodes read with it: none on the bulk path, where they come as lines of their own). */
export function orderRowsFromNode(node: OrderNode, lines?: LineNode[]): OrderRows {
  const shopifyId = numericId(required(node.id, "id"));
  const updatedAt = required(node.updatedAt, "updatedAt");
  const createdAt = required(node.createdAt, "createdAt");
  const currency = required(node.currencyCode, "currencyCode");
  if (!Array.isArray(node.refunds)) throw new MalformedDataError("refunds is missing");
  const refunds: RefundRow[] = node.refunds.map((r) => ({
    shopifyId: numericId(required(r.id, "id")),
    orderShopifyId: shopifyId,
    amount: amount(r.totalRefundedSet) ?? "0",
    createdAt: r.createdAt ?? null,
  }));
  return {
    order: {
      shopifyId,
      name: node.name ?? null,
      email: node.email ?? null,
      phone: node.phone ?? null,
      customerShopifyId: node.customer ? numericId(node.customer.id) : null,
      currency,
      subtotal: amount(node.subtotalPriceSet),
      tax: amount(node.totalTaxSet),
      discounts: amount(node.totalDiscountsSet),
      total: amount(node.totalPriceSet) ?? "0",
      refunded: total(refunds),
      financialStatus: lower(node.displayFinancialStatus),
      fulfillmentStatus: fulfillment(node.displayFulfillmentStatus),
      cancelledAt: node.cancelledAt ?? null,
      processedAt: node.processedAt ?? null,
      createdAt,
      updatedAt,
    },
    lines: lines ? lines.map((l) => lineItemRowFromNode(l, shopifyId)) : [],
    refunds,
  };
}

export function customerRowFromNode(node: CustomerNode): CustomerRow {
  const shopifyId = numericId(required(node.id, "id"));
  const updatedAt = required(node.updatedAt, "updatedAt");
  return {
    shopifyId,
    email: lower(node.email),
    phone: node.phone ?? null,
    firstName: node.firstName ?? null,
    lastName: node.lastName ?? null,
    tags: joinTags(node.tags ?? []),
    emailConsent: lower(node.emailMarketingConsent?.marketingState),
    smsConsent: lower(node.smsMarketingConsent?.marketingState),
    createdAt: node.createdAt ?? null,
    updatedAt,
  };
}

export function variantRowFromNode(node: VariantNode, productShopifyId: bigint): VariantRow {
  return { shopifyId: numericId(required(node.id, "id")), productShopifyId, title: node.title ?? null, sku: node.sku ?? null, price: node.price ?? null };
}

/** A product node (and the variant nodes read with it: none on the bulk path). */
export function productRowsFromNode(node: ProductNode, variants?: VariantNode[]): ProductRows {
  const shopifyId = numericId(required(node.id, "id"));
  const updatedAt = required(node.updatedAt, "updatedAt");
  const title = required(node.title, "title");
  return {
    product: {
      shopifyId,
      title,
      handle: node.handle ?? null,
      vendor: node.vendor ?? null,
      productType: node.productType ?? null,
      status: lower(node.status),
      tags: joinTags(node.tags ?? []),
      createdAt: node.createdAt ?? null,
      updatedAt,
    },
    variants: variants ? variants.map((v) => variantRowFromNode(v, shopifyId)) : [],
  };
}
